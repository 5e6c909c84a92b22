package io.mvmci.command;

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
 * </pre>
 *
 * Tags are only ever appended; decoding refuses an unknown tag, a repeated one, or a short value.
 *
 * @param moduleSha256 the module version pinned at submission, or null for the latest at each claim
 * @param parentSeq the parent job's seq, or -1 for none
 * @param detached whether the job outlives its parent (meaningful with a parent only)
 * @param afterSeq the job this one runs after (a schedule's {@code queue} overlap), or -1 for none
 */
public record JobOptions(String moduleSha256, long parentSeq, boolean detached, long afterSeq) {
  public static final JobOptions NONE = new JobOptions(null);

  private static final int MODULE_SHA256 = 1;
  private static final int PARENT = 2;
  private static final int DETACHED = 3;
  private static final int AFTER = 4;

  public JobOptions(String moduleSha256) {
    this(moduleSha256, -1, false, -1);
  }

  public JobOptions(String moduleSha256, long parentSeq, boolean detached) {
    this(moduleSha256, parentSeq, detached, -1);
  }

  public JobOptions {
    if (parentSeq < -1) {
      throw new IllegalArgumentException("parent seq " + parentSeq);
    }
    if (afterSeq < -1) {
      throw new IllegalArgumentException("after seq " + afterSeq);
    }
  }

  public boolean isEmpty() {
    return moduleSha256 == null && parentSeq < 0 && !detached && afterSeq < 0;
  }

  /** These options for a child of job {@code seq}. */
  public JobOptions withParent(long seq, boolean detach) {
    return new JobOptions(moduleSha256, seq, detach, afterSeq);
  }

  /** These options for a job that waits for job {@code seq} to finish before it may start. */
  public JobOptions after(long seq) {
    return new JobOptions(moduleSha256, parentSeq, detached, seq);
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
    boolean[] seen = new boolean[5];
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
        default -> detached = value.bool();
      }
      value.expectEnd("job option " + tag);
    }
    return new JobOptions(module, parent, detached, after);
  }
}
