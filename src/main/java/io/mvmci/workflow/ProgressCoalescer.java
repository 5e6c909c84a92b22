package io.mvmci.workflow;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers what runs report and hands it to the {@link ProgressSink} in batches, so that a
 * chatty guest cannot flood the replicated log: per run and per flush, the latest progress
 * wins and at most {@code maxLines} lines / {@code maxBytes} bytes of log pass; the rest are
 * counted and reported by one "N log lines dropped" line.
 *
 * <p>Threading: run threads add, the engine's flusher calls {@link #flushAll()} every interval,
 * and a run's thread calls {@link #flushRun} when it ends; {@code publish} calls never overlap.
 */
final class ProgressCoalescer {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressCoalescer.class);

  private final ProgressSink sink;
  private final Clock clock;
  private final int maxLines;
  private final int maxBytes;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Object publishing = new Object();

  ProgressCoalescer(ProgressSink sink, Clock clock, int maxLines, int maxBytes) {
    this.sink = sink;
    this.clock = clock;
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  void progress(String runId, int percent, String message) {
    Pending p = pending.computeIfAbsent(runId, id -> new Pending());
    synchronized (p) {
      p.progress = new ProgressUpdate.Progress(percent, message);
    }
  }

  void log(String runId, LogLevel level, String message) {
    Pending p = pending.computeIfAbsent(runId, id -> new Pending());
    int size = message.getBytes(StandardCharsets.UTF_8).length;
    synchronized (p) {
      if (p.lines.size() >= maxLines || p.bytes + size > maxBytes) {
        p.dropped++;
      } else {
        p.lines.add(new LogLine(clock.millis(), level, message));
        p.bytes += size;
      }
    }
  }

  /** Publishes everything buffered. */
  void flushAll() {
    synchronized (publishing) {
      List<ProgressUpdate> updates = new ArrayList<>();
      for (String runId : pending.keySet()) {
        Pending p = pending.get(runId);
        if (p != null) {
          ProgressUpdate u = p.drain(runId, clock.millis());
          if (u != null) {
            updates.add(u);
          }
        }
      }
      publish(updates);
    }
  }

  /** Publishes what one run has buffered and forgets the run; called when the run ends. */
  void flushRun(String runId) {
    synchronized (publishing) {
      Pending p = pending.remove(runId);
      ProgressUpdate u = p == null ? null : p.drain(runId, clock.millis());
      if (u != null) {
        publish(List.of(u));
      }
    }
  }

  /** Forgets what a run buffered, as a process that died would have. */
  void discard(String runId) {
    pending.remove(runId);
  }

  private void publish(List<ProgressUpdate> updates) {
    if (updates.isEmpty()) {
      return;
    }
    try {
      sink.publish(updates);
    } catch (RuntimeException e) {
      LOG.warn("progress sink failed; {} updates lost", updates.size(), e);
    }
  }

  private static final class Pending {
    private ProgressUpdate.Progress progress;
    private List<LogLine> lines = new ArrayList<>();
    private int bytes;
    private long dropped;

    synchronized ProgressUpdate drain(String runId, long nowMillis) {
      if (progress == null && lines.isEmpty() && dropped == 0) {
        return null;
      }
      List<LogLine> out = lines;
      if (dropped > 0) {
        out.add(new LogLine(nowMillis, LogLevel.WARN, dropped + " log lines dropped (rate limit)"));
      }
      ProgressUpdate u = new ProgressUpdate(runId, progress, out);
      progress = null;
      lines = new ArrayList<>();
      bytes = 0;
      dropped = 0;
      return u;
    }
  }
}
