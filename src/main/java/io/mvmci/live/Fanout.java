package io.mvmci.live;

import io.mvmci.job.Job;
import io.mvmci.job.LogLine;
import io.mvmci.store.JobQueries;
import io.mvmci.store.JobReads;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The feed thread's side of {@link JobFeed}: the streams open on this node, what each has been sent,
 * and the reads and rendering behind them. Every method runs on the feed thread only, except
 * {@link #resyncLater}.
 */
final class Fanout {
  static final int LINES_PER_READ = 1_000;
  private static final byte[] RESYNC = "event: resync\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

  private record Stream(JobReads.Filter filter, Sink sink) {}

  private static final class Follower {
    final Sink sink;
    long lastLine;

    Follower(Sink sink, long lastLine) {
      this.sink = sink;
      this.lastLine = lastLine;
    }
  }

  private final ChangeRing ring;
  private final Supplier<JobQueries> queries;
  private final JobFeed.Renderer render;
  private final List<Stream> streams = new ArrayList<>();
  private final Map<Long, List<Follower>> followers = new HashMap<>();
  private volatile boolean resyncPending;
  /** Ring position read up to, and the entry index (and latest change time) all streams are sent up to. */
  private long position;
  private long index = -1;
  private long at;

  Fanout(ChangeRing ring, Supplier<JobQueries> queries, JobFeed.Renderer render) {
    this.ring = ring;
    this.queries = queries;
    this.render = render;
  }

  /** Any thread: every stream is told to reload at the next dispatch (the database was replaced). */
  void resyncLater() {
    resyncPending = true;
  }

  private String id() {
    return Frames.id(Math.max(index, 0), at);
  }

  /**
   * Sends what changed since the last dispatch. {@code upTo} is an entry index read before the ring:
   * every change of the entries up to it is in what this reads. Answers whether anything was sent.
   */
  boolean dispatch(long upTo) {
    if (resyncPending) {
      resyncPending = false;
      resyncAll();
    }
    if (streams.isEmpty() && followers.isEmpty()) {
      position = ring.head();
      index = Math.max(index, upTo);
      return false;
    }
    ChangeRing.Batch b = ring.read(position);
    position = b.end();
    boolean resync = b.overrun();
    TreeSet<Long> seqs = new TreeSet<>();
    for (int k = 0; k < b.size(); k++) {
      if (b.kind()[k] == ChangeRing.RESYNC) {
        resync = true;
      } else {
        seqs.add(b.seq()[k]);
      }
      at = Math.max(at, b.at()[k]);
      index = Math.max(index, b.index()[k]);
    }
    index = Math.max(index, upTo);
    if (resync) {
      resyncAll();
    }
    if (seqs.isEmpty()) {
      return false;
    }
    List<Job> jobs = read(seqs);
    send(jobs);
    follow(jobs);
    return true;
  }

  private List<Job> read(TreeSet<Long> seqs) {
    long[] ids = seqs.stream().mapToLong(Long::longValue).toArray();
    try {
      return queries.get().reads().byIds(ids);
    } catch (SQLException e) {
      throw new IllegalStateException("reading changed jobs: " + e.getMessage(), e);
    }
  }

  /** Sends {@code jobs} to every stream whose filter takes them, rendering each job once. */
  private void send(List<Job> jobs) {
    String id = id();
    Map<Long, byte[]> rendered = new HashMap<>();
    Map<JobReads.Filter, byte[]> chunks = new LinkedHashMap<>();
    for (Stream s : streams) {
      byte[] chunk = chunks.computeIfAbsent(s.filter(), f -> chunk(jobs, f, id, rendered));
      if (chunk.length > 0) {
        s.sink().send(chunk);
      }
    }
  }

  /** Sends each follower of one of {@code jobs} its new lines. */
  private void follow(List<Job> jobs) {
    if (followers.isEmpty()) {
      return;
    }
    for (Job j : jobs) {
      List<Follower> fs = followers.get(j.seq());
      if (fs != null) {
        fs.forEach(f -> lines(j, f));
      }
    }
  }

  private byte[] chunk(List<Job> jobs, JobReads.Filter filter, String id, Map<Long, byte[]> rendered) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Job j : jobs) {
      if (filter.matches(j)) {
        Frames.event(out, id, "job", rendered.computeIfAbsent(j.seq(), s -> render.job(j)));
      }
    }
    return out.toByteArray();
  }

  /** Sends a follower the job's lines after its last, then the end if the job has finished. */
  private void lines(Job job, Follower f) {
    try {
      List<LogLine> page;
      do {
        page = queries.get().logs(job.seq(), f.lastLine, LINES_PER_READ);
        if (page.isEmpty()) {
          break;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (LogLine l : page) {
          Frames.event(out, Long.toString(l.id()), "log", render.line(job, l));
          f.lastLine = l.id();
        }
        if (!f.sink.send(out.toByteArray())) {
          return;
        }
      } while (page.size() == LINES_PER_READ);
    } catch (SQLException e) {
      throw new IllegalStateException("reading log lines: " + e.getMessage(), e);
    }
    if (job.status().isTerminal()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Frames.event(out, null, "end", render.end(job));
      f.sink.send(out.toByteArray());
      f.sink.close();
    }
  }

  /**
   * Starts a stream: its catch-up (or an id to resume from) first, then it hears every dispatch.
   * Answers whether it stays open (a follower of a finished job does not).
   */
  boolean join(JobFeed.Join j) {
    Sink sink = j.sink();
    sink.send(Frames.OPEN);
    if (j.follows()) {
      Follower f = new Follower(sink, j.afterLine());
      List<Job> job = read(new TreeSet<>(List.of(j.followSeq())));
      if (job.isEmpty()) {
        sink.close();
        return false;
      }
      lines(job.get(0), f);
      if (sink.closed()) {
        return false;
      }
      followers.computeIfAbsent(j.followSeq(), s -> new ArrayList<>()).add(f);
      return true;
    }
    Stream s = new Stream(j.filter(), sink);
    long[] last = j.lastEventId();
    if (last != null) {
      try {
        catchUp(s, last[0]);
      } catch (RuntimeException e) {
        sink.send(RESYNC);
      }
    }
    sink.send(Frames.ping(id()));
    if (last == null && j.filter().seq() >= 0) {
      // a stream of one job starts with the job as it is, so a client that read it just before
      // subscribing misses no change in between
      byte[] now = chunk(read(new TreeSet<>(List.of(j.filter().seq()))), j.filter(), id(), new HashMap<>());
      if (now.length > 0) {
        sink.send(now);
      }
    }
    streams.add(s);
    return true;
  }

  private void catchUp(Stream s, long lastIndex) {
    long from = ring.positionAfter(lastIndex);
    List<Job> jobs;
    if (from >= 0) {
      ChangeRing.Batch b = ring.read(from);
      TreeSet<Long> seqs = new TreeSet<>();
      boolean resync = false;
      for (int k = 0; k < b.size(); k++) {
        resync |= b.kind()[k] == ChangeRing.RESYNC;
        if (b.seq()[k] >= 0) {
          seqs.add(b.seq()[k]);
        }
      }
      if (resync || b.overrun()) {
        s.sink().send(RESYNC);
        return;
      }
      jobs = seqs.isEmpty() ? List.of() : read(seqs);
    } else {
      s.sink().send(RESYNC);
      return;
    }
    byte[] chunk = chunk(jobs, s.filter(), id(), new HashMap<>());
    if (chunk.length > 0) {
      s.sink().send(chunk);
    }
  }

  void resyncAll() {
    streams.forEach(s -> s.sink().send(RESYNC));
    if (!followers.isEmpty()) {
      follow(read(new TreeSet<>(followers.keySet())));
    }
  }

  void heartbeat() {
    byte[] ping = Frames.ping(id());
    streams.forEach(s -> s.sink().send(ping));
    byte[] plain = Frames.ping(null);
    followers.values().forEach(fs -> fs.forEach(f -> f.sink.send(plain)));
  }

  /** Forgets closed streams; answers how many. */
  int prune() {
    int before = streams.size();
    streams.removeIf(s -> s.sink().closed());
    int gone = before - streams.size();
    for (var it = followers.values().iterator(); it.hasNext(); ) {
      List<Follower> fs = it.next();
      int n = fs.size();
      fs.removeIf(f -> f.sink.closed());
      gone += n - fs.size();
      if (fs.isEmpty()) {
        it.remove();
      }
    }
    return gone;
  }

  void closeAll() {
    streams.forEach(s -> s.sink().close());
    followers.values().forEach(fs -> fs.forEach(f -> f.sink.close()));
  }
}
