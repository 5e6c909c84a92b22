package io.mvmci.api;

/** A body over the documented cap; answered with 413 before anything is parsed. */
class PayloadTooLargeException extends RuntimeException {
  PayloadTooLargeException(int cap) {
    super("request body exceeds " + cap + " bytes");
  }
}
