package io.mvmci.command;

import io.mvmci.job.Labels;
import java.util.List;

/** A non-empty canonical set of labels on the wire: a list of strings (see {@link Lists}). */
final class WireLabels {
  private WireLabels() {}

  static List<String> read(WireReader r) {
    List<String> labels = Lists.read(r, WireReader::str);
    try {
      if (labels.isEmpty() || !Labels.canonical(labels).equals(labels)) {
        throw new MalformedCommandException("labels not canonical: " + labels);
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedCommandException(e.getMessage());
    }
    return labels;
  }

  static void write(WireWriter w, List<String> labels) {
    Lists.write(w, labels, (l, out) -> out.str(l));
  }
}
