package io.mvmci.queue;

/** A submission or query that cannot be accepted as given; nothing was written. */
public class InvalidJobException extends RuntimeException {
  private final String field;

  public InvalidJobException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The request field at fault (JSON name), or null if the fault is not one field's. */
  public String field() {
    return field;
  }
}
