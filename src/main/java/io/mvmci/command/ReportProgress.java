package io.mvmci.command;

import java.util.List;

/**
 * The latest progress of some of a worker's runs, coalesced on the worker so that a chatty workflow
 * cannot flood the log. Reports under a stale claim are ignored and listed in the answer.
 */
public record ReportProgress(long at, String workerId, List<Item> items) implements Command {
  static final int TYPE = 4;

  /** @param percent 0 to 100 */
  public record Item(JobRef job, int percent, String message) {
    void writeTo(WireWriter w) {
      job.writeTo(w);
      w.i32(percent).str(message);
    }

    static Item read(WireReader r) {
      return new Item(JobRef.read(r), r.i32(), r.str());
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
