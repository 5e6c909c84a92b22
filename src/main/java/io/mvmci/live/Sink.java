package io.mvmci.live;

/**
 * Where a stream's bytes go: an HTTP response held open. The feed thread calls it and must never
 * wait on it, so {@link #send} queues (bounded) and answers false once the sink is closed or too far
 * behind, when the feed drops it. Implementations are thread-safe.
 */
public interface Sink {
  /** Queues {@code chunk} (whole SSE frames); false if the sink is closed, or closed now for being slow. */
  boolean send(byte[] chunk);

  /** Ends the stream cleanly; idempotent. */
  void close();

  /** The sink is closed (the client went away, or it was closed). */
  boolean closed();
}
