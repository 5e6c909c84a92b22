package io.mvmci.replication;

/**
 * A membership change refused because of another: Ratis's compare-and-set found the group's
 * configuration no longer the one the change was computed from (another change was made meanwhile),
 * or another change is still in progress (Ratis staging a new member). Nothing was changed; the
 * caller may read the members again and decide anew.
 */
public final class MembershipConflictException extends ReplicationException {
  private static final long serialVersionUID = 1L;

  MembershipConflictException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether {@code e} (or a cause) is Ratis's refusal of a compare-and-set on the configuration, or
   * of a change while another is in progress.
   */
  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException
          || t instanceof org.apache.ratis.protocol.exceptions.SetConfigurationException
          && String.valueOf(t.getMessage()).contains("is different than the request")) {
        return true;
      }
    }
    return false;
  }
}
