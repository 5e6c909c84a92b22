package io.mvmci.queue;

/** No job has this id (on the read's consistency level). */
public class JobNotFoundException extends RuntimeException {
  public JobNotFoundException(String id) {
    super("no job " + id);
  }
}
