package io.mvmci.schedule;

/** A schedule that cannot be accepted as given; nothing was written. */
public class InvalidScheduleException extends RuntimeException {
  private final String field;

  public InvalidScheduleException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The request field at fault (JSON name, {@code job.url} for one of the job's), or null. */
  public String field() {
    return field;
  }
}
