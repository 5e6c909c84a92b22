package io.mvmci.config;

import java.util.List;
import java.util.Optional;

/** Small string helpers for messages. */
final class Strings {
  private Strings() {}

  /** The candidate a typo most likely meant, if one is close enough. */
  static Optional<String> closest(String s, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = editDistance(s, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, s.length() / 4) ? Optional.of(best) : Optional.empty();
  }

  /** {@code unknown key; did you mean x?}, or the list of known keys. */
  static String unknownKey(String key, List<String> known) {
    return closest(key, known)
        .map(k -> "unknown key; did you mean " + k + "?")
        .orElse("unknown key; known keys: " + String.join(", ", known));
  }

  /** Levenshtein distance, used to suggest the key a typo meant. */
  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
