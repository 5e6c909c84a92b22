package io.mvmci.schedule;

/** No schedule has that id. */
public class ScheduleNotFoundException extends RuntimeException {
  public ScheduleNotFoundException(String id) {
    super("no schedule " + id);
  }
}
