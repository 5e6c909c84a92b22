package io.mvmci.command;

import java.util.List;

/**
 * The latest progress and the new log lines of some of a worker's runs, coalesced on the worker so
 * that a chatty workflow cannot flood the log. Reports under a stale claim are ignored and listed in
 * the answer.
 */
public record ReportProgress(long at, String workerId, List<Item> items) implements Command {
  static final int TYPE = 4;

  /**
   * @param percent 0 to 100, or -1 when only log lines are reported
   * @param message the progress message ({@code ""} with percent -1)
   * @param lines log lines in the order the workflow wrote them
   */
  public record Item(JobRef job, int percent, String message, List<Line> lines) {
    public Item {
      lines = List.copyOf(lines);
    }

    void writeTo(WireWriter w) {
      job.writeTo(w);
      w.i32(percent).str(message);
      Lists.write(w, lines, Line::writeTo);
    }

    static Item read(WireReader r) {
      return new Item(JobRef.read(r), r.i32(), r.str(), Lists.read(r, Line::read));
    }
  }

  /** A log line: when (the worker's clock), level 0 debug to 3 error, and the text. */
  public record Line(long at, int level, String text) {
    void writeTo(WireWriter w) {
      w.i64(at).u8(level).str(text);
    }

    static Line read(WireReader r) {
      return new Line(r.i64(), r.u8(), r.str());
    }
  }

  public ReportProgress {
    items = List.copyOf(items);
  }

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public void writeTo(WireWriter w) {
    w.i64(at).str(workerId);
    Lists.write(w, items, Item::writeTo);
  }

  static ReportProgress read(WireReader r) {
    return new ReportProgress(r.i64(), r.str(), Lists.read(r, Item::read));
  }
}
