package io.mvmci.command;

import java.util.ArrayList;
import java.util.List;

/**
 * What a submission may carry beyond the type-1 fields, as tagged values on the wire so that the
 * next options (labels, concurrency groups, a parent job) add tags, not command types:
 *
 * <pre>
 *   u32 count, then per option: u16 tag, u32 length, value
 *   tag 1  module_sha256   string: the module version the job is pinned to
 * </pre>
 *
 * Tags are only ever appended; decoding refuses an unknown tag, a repeated one, or a short value.
 *
 * @param moduleSha256 the module version pinned at submission, or null for the latest at each claim
 */
public record JobOptions(String moduleSha256) {
  public static final JobOptions NONE = new JobOptions(null);

  private static final int MODULE_SHA256 = 1;

  public boolean isEmpty() {
    return moduleSha256 == null;
  }

  void writeTo(WireWriter w) {
    List<byte[]> tagged = new ArrayList<>();
    if (moduleSha256 != null) {
      tagged.add(new WireWriter(80).u16(MODULE_SHA256).bytes(new WireWriter(72).str(moduleSha256)
          .toByteArray()).toByteArray());
    }
    w.i32(tagged.size());
    tagged.forEach(w::raw);
  }

  static JobOptions read(WireReader r) {
    int n = r.i32();
    if (n < 0 || n > 64) {
      throw new MalformedCommandException("option count " + n);
    }
    String module = null;
    boolean seen = false;
    for (int i = 0; i < n; i++) {
      int tag = r.u16();
      WireReader value = r.slice(r.i32());
      if (tag == MODULE_SHA256) {
        if (seen) {
          throw new MalformedCommandException("option " + tag + " given twice");
        }
        seen = true;
        module = value.str();
      } else {
        throw new MalformedCommandException("unknown job option " + tag);
      }
      value.expectEnd("job option " + tag);
    }
    return new JobOptions(module);
  }
}
