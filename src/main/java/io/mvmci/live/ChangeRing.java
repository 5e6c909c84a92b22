package io.mvmci.live;

/**
 * The recent job changes this node applied, as light records (entry index, job seq, command time,
 * kind), in a ring of fixed size: what an event stream resumed from a recent event id replays. The
 * apply thread writes; the feed thread reads. It knows which entries it holds whole: every change of
 * an entry with an index above {@link #coveredAfter} is in the ring.
 */
final class ChangeRing {
  static final byte SUBMITTED = 1;
  static final byte CLAIMED = 2;
  static final byte ENDED = 3;
  static final byte CANCELLED = 4;
  static final byte RETRIED = 5;
  static final byte PROGRESSED = 6;
  /** Jobs changed that the record does not name (a lease expiry): streams must reload. */
  static final byte RESYNC = 7;

  private final long[] index;
  private final long[] seq;
  private final long[] at;
  private final byte[] kind;
  private final int mask;
  /** Records written, the published ones first: positions are counted from the node's start. */
  private long written;
  private long published;
  private long coveredAfter = Long.MAX_VALUE;
  private boolean uncovered = true;

  ChangeRing(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two");
    }
    index = new long[capacity];
    seq = new long[capacity];
    at = new long[capacity];
    kind = new byte[capacity];
    mask = capacity - 1;
  }

  /** Apply thread: an entry begins; the first one heard after a start or a reset starts coverage. */
  synchronized void entry(long entryIndex) {
    if (uncovered) {
      coveredAfter = entryIndex - 1;
      uncovered = false;
    }
  }

  /** Apply thread: records a change of the entry being announced (not visible until published). */
  synchronized void add(long entryIndex, long jobSeq, long time, byte what) {
    int i = (int) (written & mask);
    if (written > mask) {
      coveredAfter = Math.max(coveredAfter, index[i]);
    }
    index[i] = entryIndex;
    seq[i] = jobSeq;
    at[i] = time;
    kind[i] = what;
    written++;
  }

  /** Apply thread: the entry's changes are complete; readers may see them. */
  synchronized void publish() {
    published = written;
  }

  /** The database was replaced: nothing before the next entry is covered. */
  synchronized void reset() {
    uncovered = true;
    coveredAfter = Long.MAX_VALUE;
  }

  synchronized long head() {
    return published;
  }

  /** The records from position {@code from} to the head, or those still held if some were overwritten. */
  synchronized Batch read(long from) {
    long oldest = Math.max(0, written - index.length);
    boolean overrun = from < oldest;
    long start = Math.max(from, oldest);
    int n = (int) (published - start);
    Batch b = new Batch(new long[n], new long[n], new long[n], new byte[n], published, overrun);
    for (int k = 0; k < n; k++) {
      int i = (int) ((start + k) & mask);
      b.index[k] = index[i];
      b.seq[k] = seq[i];
      b.at[k] = at[i];
      b.kind[k] = kind[i];
    }
    return b;
  }

  /**
   * The position of the first record of an entry after {@code entryIndex}, or -1 if the ring does not
   * hold every change since that entry.
   */
  synchronized long positionAfter(long entryIndex) {
    if (uncovered || entryIndex < coveredAfter) {
      return -1;
    }
    long lo = Math.max(0, written - index.length);
    long hi = published;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (index[(int) (mid & mask)] <= entryIndex) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Records read at once; {@code end} is the position after the last. */
  record Batch(long[] index, long[] seq, long[] at, byte[] kind, long end, boolean overrun) {
    int size() {
      return seq.length;
    }
  }
}
