package io.mvmci.api;

/** A request the API cannot parse; answered with 400 and the field at fault, if one is. */
class BadRequestException extends RuntimeException {
  private final String field;

  BadRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  String field() {
    return field;
  }
}
