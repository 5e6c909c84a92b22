package io.mvmci.live;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events framing. An event id is {@code <index>-<time>}: the applied log index up to which
 * the stream has delivered every change (the same entry has the same index on every node), and the
 * proposer-stamped time of the latest change, which lets a node that no longer holds that index in its
 * ring catch up by a read of the jobs changed since then. A bare {@code <index>} is accepted too.
 */
final class Frames {
  private Frames() {}

  static String id(long index, long at) {
    return index + "-" + at;
  }

  /** The index and time of an event id ({@code at} 0 if absent); null if it is not one of ours. */
  static long[] parseId(String id) {
    if (id == null || id.isBlank()) {
      return null;
    }
    String s = id.strip();
    int dash = s.indexOf('-');
    try {
      long index = Long.parseLong(dash < 0 ? s : s.substring(0, dash));
      long at = dash < 0 ? 0 : Long.parseLong(s.substring(dash + 1));
      return index < 0 || at < 0 ? null : new long[] {index, at};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Appends one event whose data is {@code json} (one line: JSON as Jackson writes it has no newline). */
  static void event(ByteArrayOutputStream out, String id, String event, byte[] json) {
    StringBuilder head = new StringBuilder(64);
    if (id != null) {
      head.append("id: ").append(id).append('\n');
    }
    head.append("event: ").append(event).append("\ndata: ");
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(json);
    out.writeBytes(END);
  }

  private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

  /** The first bytes of every stream: how long a browser waits before it reconnects. */
  static final byte[] OPEN = "retry: 2000\n\n".getBytes(StandardCharsets.UTF_8);

  static byte[] ping(String id) {
    return (id == null ? ": ping\n\n" : ": ping\nid: " + id + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}
