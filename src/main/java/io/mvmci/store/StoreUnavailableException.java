package io.mvmci.store;

/** The store cannot serve right now (a snapshot is being installed, or it is closed); retry later. */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message) {
    super(message);
  }
}
