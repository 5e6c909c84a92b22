package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.CommandProcessor;
import io.mvmci.command.Effects;
import io.mvmci.command.Result;
import io.mvmci.command.JobRef;
import io.mvmci.job.JobStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans applied entries out to this node's parts, registered after the node was built: each command
 * announces its {@link Effects} ({@link Command#announce}) to every part in turn. A part that throws
 * is logged and skipped; the others still hear. A part that also implements {@link Indexed} is told
 * each entry's log index around its announcements.
 */
public final class ApplyListeners implements ApplyListener {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyListeners.class);
  private final List<Effects> parts = new CopyOnWriteArrayList<>();
  private final Effects fanOut = new FanOut();

  public void add(Effects part) {
    parts.add(part);
  }

  /** Apply thread only: whether the entry being announced raised {@link Effects#workReady}. */
  private boolean workReady;

  /**
   * A part that needs the log index of what it hears (the live event stream numbers its events by
   * it): {@link #entryStarts} before an entry's effects are announced, {@link #entryEnds} after the
   * last of them. Same thread and contract as {@link Effects}.
   */
  public interface Indexed {
    void entryStarts(long index);

    void entryEnds(long index);
  }

  /** Announces an entry's commands; {@link Effects#workReady} goes out once per entry, at its end. */
  @Override
  public void applied(long index, List<Command> batch, List<Result> results) {
    workReady = false;
    each(p -> {
      if (p instanceof Indexed i) {
        i.entryStarts(index);
      }
    });
    CommandProcessor.announce(batch, results, fanOut);
    if (workReady) {
      each(Effects::workReady);
    }
    each(p -> {
      if (p instanceof Indexed i) {
        i.entryEnds(index);
      }
    });
  }

  @Override
  public void reloaded() {
    each(Effects::reloaded);
  }

  private void each(Consumer<Effects> call) {
    for (Effects part : parts) {
      try {
        call.accept(part);
      } catch (RuntimeException e) {
        LOG.warn("{} failed on an applied entry", part, e);
      }
    }
  }

  private final class FanOut implements Effects {
    @Override
    public void workReady() {
      workReady = true;
    }

    @Override
    public void jobSubmitted(long seq, long at) {
      each(p -> p.jobSubmitted(seq, at));
    }

    @Override
    public void jobSubmitted(long seq, long at, String workflow) {
      each(p -> p.jobSubmitted(seq, at, workflow));
    }

    @Override
    public void jobRetried(long seq, long at) {
      each(p -> p.jobRetried(seq, at));
    }

    @Override
    public void jobProgressed(long seq) {
      each(p -> p.jobProgressed(seq));
    }

    @Override
    public void jobsClaimed(long at, List<Result.ClaimedJob> jobs) {
      each(p -> p.jobsClaimed(at, jobs));
    }

    @Override
    public void runEnded(JobRef job, long at, JobStatus to) {
      each(p -> p.runEnded(job, at, to));
    }

    @Override
    public void timerFired(long seq, long wakeAt, long at) {
      each(p -> p.timerFired(seq, wakeAt, at));
    }

    @Override
    public void jobCancelled(long seq, long at) {
      each(p -> p.jobCancelled(seq, at));
    }

    @Override
    public void scheduleFired(String id, String kind, String outcome, long fireTime, long at, int missed) {
      each(p -> p.scheduleFired(id, kind, outcome, fireTime, at, missed));
    }

    @Override
    public void leasesExpired(int jobs) {
      each(p -> p.leasesExpired(jobs));
    }

    @Override
    public void consistencyCheckApplied(long index) {
      each(p -> p.consistencyCheckApplied(index));
    }

    @Override
    public void consistencyReported(long checkIndex) {
      each(p -> p.consistencyReported(checkIndex));
    }

    @Override
    public void moduleStored(String name, String sha256, byte[] wasm) {
      each(p -> p.moduleStored(name, sha256, wasm));
    }

    @Override
    public void moduleDeleted(String name, String sha256) {
      each(p -> p.moduleDeleted(name, sha256));
    }
  }
}
