package io.mvmci.job;

/**
 * Job ids are {@code job-N}: N is the job's sequence number, assigned when its submission is applied,
 * so ids follow submission order across the whole cluster.
 */
public final class JobId {
  private static final String PREFIX = "job-";

  private JobId() {}

  public static String format(long seq) {
    return PREFIX + seq;
  }

  /** The sequence number of {@code id}, or -1 if {@code id} is not a job id. */
  public static long parse(String id) {
    if (id == null || !id.startsWith(PREFIX) || id.length() == PREFIX.length() || id.length() > 24) {
      return -1;
    }
    if (id.charAt(PREFIX.length()) == '0' && id.length() > PREFIX.length() + 1) {
      return -1;
    }
    long n = 0;
    for (int i = PREFIX.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
      if (n < 0) {
        return -1;
      }
    }
    return n;
  }
}
