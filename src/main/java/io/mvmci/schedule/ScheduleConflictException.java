package io.mvmci.schedule;

/** The schedule exists already (a create), or changed while the request was being made (a resume). */
public class ScheduleConflictException extends RuntimeException {
  public ScheduleConflictException(String message) {
    super(message);
  }
}
