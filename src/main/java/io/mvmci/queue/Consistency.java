package io.mvmci.queue;

/** How fresh a read must be. */
public enum Consistency {
  /** Sees every write acknowledged anywhere before the read began (a Raft ReadIndex). The default. */
  LINEARIZABLE,
  /** This node's copy as it is: no round trip, possibly behind the leader. */
  LOCAL;

  /** Parses {@code linearizable} or {@code local} (any case); null for anything else. */
  public static Consistency parse(String s) {
    for (Consistency c : values()) {
      if (c.name().equalsIgnoreCase(s)) {
        return c;
      }
    }
    return null;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
