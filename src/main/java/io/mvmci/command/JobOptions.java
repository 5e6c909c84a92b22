package io.mvmci.command;

import io.mvmci.job.ConcurrencyPolicy;
import io.mvmci.job.Dispatch;
import java.util.ArrayList;
import java.util.List;

/**
 * What a submission may carry beyond the type-1 fields, as tagged values on the wire so that the
 * next options (labels, concurrency groups, ...) add tags, not command types:
 *
 * <pre>
 *   u32 count, then per option: u16 tag, u32 length, value
 *   tag 1  module_sha256   string: the module version the job is pinned to
 *   tag 2  parent          i64: the seq of the job whose run spawned this one
 *   tag 3  detached        u8 (1): not cancelled when its parent ends
 *   tag 4  after           i64: the seq of a job this one waits for: while that job is unfinished
 *                          the new job starts Waiting ({@code job:<seq>}) and wakes when it ends
 *   tag 5  labels          u32 count, then strings: the worker labels required, as given, no repeats
 *   tag 6  concurrency_key string: the job's concurrency group
 *   tag 7  concurrency_limit i32: the group's slots (absent: 1)
 *   tag 8  concurrency_policy string: cancel_in_progress | skip (absent: queue)
 * </pre>
 * (Tag 9 is kept for dispatch; 10-12 for artifacts.)
 *
 * Tags are only ever appended; decoding refuses an unknown tag, a repeated one, or a short value.
 *
 * @param moduleSha256 the module version pinned at submission, or null for the latest at each claim
 * @param parentSeq the parent job's seq, or -1 for none
 * @param detached whether the job outlives its parent (meaningful with a parent only)
 * @param afterSeq the job this one runs after (a schedule's {@code queue} overlap), or -1 for none
 * @param dispatch the labels the job requires and its concurrency group ({@link Dispatch#NONE}: none)
 */
public record JobOptions(String moduleSha256, long parentSeq, boolean detached, long afterSeq, Dispatch dispatch) {
  public static final JobOptions NONE = new JobOptions(null);

  private static final int MODULE_SHA256 = 1;
  private static final int PARENT = 2;
  private static final int DETACHED = 3;
  private static final int AFTER = 4;
  private static final int LABELS = 5;
  private static final int CONCURRENCY_KEY = 6;
  private static final int CONCURRENCY_LIMIT = 7;
  private static final int CONCURRENCY_POLICY = 8;

  public JobOptions(String moduleSha256) {
    this(moduleSha256, -1, false, -1, Dispatch.NONE);
  }

  public JobOptions(String moduleSha256, long parentSeq, boolean detached) {
    this(moduleSha256, parentSeq, detached, -1, Dispatch.NONE);
  }

  public JobOptions(String moduleSha256, long parentSeq, boolean detached, long afterSeq) {
    this(moduleSha256, parentSeq, detached, afterSeq, Dispatch.NONE);
  }

  public JobOptions(String moduleSha256, long parentSeq, boolean detached, Dispatch dispatch) {
    this(moduleSha256, parentSeq, detached, -1, dispatch);
  }

  public JobOptions {
    if (parentSeq < -1) {
      throw new IllegalArgumentException("parent seq " + parentSeq);
    }
    if (afterSeq < -1) {
      throw new IllegalArgumentException("after seq " + afterSeq);
    }
    java.util.Objects.requireNonNull(dispatch, "dispatch");
  }

  public boolean isEmpty() {
    return moduleSha256 == null && parentSeq < 0 && !detached && afterSeq < 0 && dispatch.isEmpty();
  }

  /** These options for a child of job {@code seq}. */
  public JobOptions withParent(long seq, boolean detach) {
    return new JobOptions(moduleSha256, seq, detach, afterSeq, dispatch);
  }

  /** These options for a job that waits for job {@code seq} to finish before it may start. */
  public JobOptions after(long seq) {
    return new JobOptions(moduleSha256, parentSeq, detached, seq, dispatch);
  }

  /** These options with {@code d} as the job's labels and concurrency group. */
  public JobOptions withDispatch(Dispatch d) {
    return new JobOptions(moduleSha256, parentSeq, detached, afterSeq, d);
  }

  void writeTo(WireWriter w) {
    List<byte[]> tagged = new ArrayList<>();
    if (moduleSha256 != null) {
      tagged.add(option(MODULE_SHA256, new WireWriter(72).str(moduleSha256).toByteArray()));
    }
    if (parentSeq >= 0) {
      tagged.add(option(PARENT, new WireWriter(8).i64(parentSeq).toByteArray()));
    }
    if (detached) {
      tagged.add(option(DETACHED, new WireWriter(1).bool(true).toByteArray()));
    }
    if (afterSeq >= 0) {
      tagged.add(option(AFTER, new WireWriter(8).i64(afterSeq).toByteArray()));
    }
    if (!dispatch.labels().isEmpty()) {
      WireWriter labels = new WireWriter(64);
      WireLabels.write(labels, dispatch.labels());
      tagged.add(option(LABELS, labels.toByteArray()));
    }
    if (dispatch.concurrencyKey() != null) {
      tagged.add(option(CONCURRENCY_KEY, new WireWriter(64).str(dispatch.concurrencyKey()).toByteArray()));
      if (dispatch.concurrencyLimit() != 1) {
        tagged.add(option(CONCURRENCY_LIMIT, new WireWriter(4).i32(dispatch.concurrencyLimit()).toByteArray()));
      }
      if (dispatch.policy() != ConcurrencyPolicy.QUEUE) {
        tagged.add(option(CONCURRENCY_POLICY, new WireWriter(32).str(dispatch.policy().wireName()).toByteArray()));
      }
    }
    w.i32(tagged.size());
    tagged.forEach(w::raw);
  }

  private static byte[] option(int tag, byte[] value) {
    return new WireWriter(value.length + 8).u16(tag).bytes(value).toByteArray();
  }

  static JobOptions read(WireReader r) {
    int n = r.i32();
    if (n < 0 || n > 64) {
      throw new MalformedCommandException("option count " + n);
    }
    String module = null;
    long parent = -1;
    boolean detached = false;
    long after = -1;
    List<String> labels = List.of();
    String key = null;
    int limit = 1;
    ConcurrencyPolicy policy = ConcurrencyPolicy.QUEUE;
    boolean[] seen = new boolean[9];
    for (int i = 0; i < n; i++) {
      int tag = r.u16();
      WireReader value = r.slice(r.i32());
      if (tag < 1 || tag >= seen.length) {
        throw new MalformedCommandException("unknown job option " + tag);
      }
      if (seen[tag]) {
        throw new MalformedCommandException("option " + tag + " given twice");
      }
      seen[tag] = true;
      switch (tag) {
        case MODULE_SHA256 -> module = value.str();
        case PARENT -> {
          parent = value.i64();
          if (parent < 0) {
            throw new MalformedCommandException("parent seq " + parent);
          }
        }
        case AFTER -> {
          after = value.i64();
          if (after < 0) {
            throw new MalformedCommandException("after seq " + after);
          }
        }
        case DETACHED -> detached = value.bool();
        case LABELS -> labels = WireLabels.read(value, false);
        case CONCURRENCY_KEY -> key = value.str();
        case CONCURRENCY_LIMIT -> limit = value.i32();
        case CONCURRENCY_POLICY -> {
          String p = value.str();
          policy = ConcurrencyPolicy.parse(p);
          if (policy == null) {
            throw new MalformedCommandException("concurrency policy " + p);
          }
        }
        default -> throw new MalformedCommandException("unknown job option " + tag);
      }
      value.expectEnd("job option " + tag);
    }
    if (key == null && (seen[CONCURRENCY_LIMIT] || seen[CONCURRENCY_POLICY])) {
      throw new MalformedCommandException("a concurrency limit or policy without a key");
    }
    Dispatch dispatch;
    try {
      dispatch = new Dispatch(labels, key, limit, policy);
    } catch (IllegalArgumentException e) {
      throw new MalformedCommandException(e.getMessage());
    }
    return new JobOptions(module, parent, detached, after, dispatch);
  }
}
