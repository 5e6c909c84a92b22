package io.mvmci.command;

import io.mvmci.job.Labels;
import java.util.List;

/**
 * A non-empty set of labels on the wire: a list of strings (see {@link Lists}), canonical (sorted) for
 * a worker's or a ticket's, in the order given for a job's; never with a repeat.
 */
final class WireLabels {
  private WireLabels() {}

  static List<String> read(WireReader r) {
    return read(r, true);
  }

  static List<String> read(WireReader r, boolean canonical) {
    List<String> labels = Lists.read(r, WireReader::str);
    try {
      if (labels.isEmpty() || !(canonical ? Labels.canonical(labels) : Labels.checked(labels)).equals(labels)) {
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
