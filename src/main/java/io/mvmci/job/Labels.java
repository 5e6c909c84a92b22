package io.mvmci.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Worker labels ({@code gpu}, {@code arm64}, {@code os.linux}): what a worker has and what a job
 * requires. A label is 1-64 lower-case letters, digits, '.', '_', '-' or ':', starting with a letter
 * or digit. A set of labels is written comma-separated ({@code arm64,gpu}); the empty set is the
 * empty string. Its canonical form is sorted, without repeats (how label sets are compared); a job
 * keeps its labels in the order given, without repeats, so that sentences name them as the user did.
 * A job whose labels are all among a worker's may run on it.
 */
public final class Labels {
  /** Most labels a job may require or a worker may have. */
  public static final int MAX = 32;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");

  private Labels() {}

  /** Why {@code label} is not a label, or null if it is one. */
  public static String problem(String label) {
    return label != null && LABEL.matcher(label).matches() ? null
        : "a label is 1-64 lower-case letters, digits, '.', '_', '-' or ':', not \"" + clip(label) + "\"";
  }

  /**
   * {@code labels} checked, in their order, without repeats; an IllegalArgumentException says which one
   * is wrong.
   */
  public static List<String> checked(Collection<String> labels) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (String l : labels) {
      String why = problem(l);
      if (why != null) {
        throw new IllegalArgumentException(why);
      }
      out.add(l);
    }
    if (out.size() > MAX) {
      throw new IllegalArgumentException("at most " + MAX + " labels, not " + out.size());
    }
    return List.copyOf(out);
  }

  /** The canonical form of {@code labels}; an IllegalArgumentException says which one is wrong. */
  public static List<String> canonical(Collection<String> labels) {
    TreeSet<String> sorted = new TreeSet<>();
    for (String l : labels) {
      String why = problem(l);
      if (why != null) {
        throw new IllegalArgumentException(why);
      }
      sorted.add(l);
    }
    if (sorted.size() > MAX) {
      throw new IllegalArgumentException("at most " + MAX + " labels, not " + sorted.size());
    }
    return List.copyOf(sorted);
  }

  /** Labels from {@code gpu,arm64} (commas, spaces or new lines between), canonical. */
  public static List<String> parse(String text) {
    List<String> out = new ArrayList<>();
    if (text != null) {
      for (String s : text.split("[,\\s]+")) {
        if (!s.isBlank()) {
          out.add(s.strip());
        }
      }
    }
    return canonical(out);
  }

  /** {@code arm64,gpu}: how a canonical set is stored. */
  public static String join(List<String> canonical) {
    return String.join(",", canonical);
  }

  /** The set a stored text names (null or empty: none). */
  public static List<String> split(String stored) {
    return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split(","));
  }

  /** {@code gpu, arm64}: for sentences. */
  public static String words(List<String> labels) {
    return String.join(", ", labels);
  }

  private static String clip(String s) {
    return s == null ? "null" : s.length() <= 70 ? s : s.substring(0, 70) + "...";
  }
}
