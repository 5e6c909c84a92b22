package io.mvmci.config;

/**
 * Refuses decimal integer literals of 19 or more digits before their parsed value is used.
 *
 * <p>Why: jackson-dataformat-toml 3.1.5 misreads them without an error (19 digits lose their
 * leading digits, {@code 1234567890123456789} reads as {@code 123456789}, see
 * FasterXML/jackson-dataformats-text#663; a negative one of 20+ digits loses its sign), so a
 * huge value could pass a range check as a small one. No setting accepts a value that large, so
 * refusing them costs nothing. The scan skips comments and all four kinds of TOML string.
 */
final class HugeIntegers {
  static final int MAX_DIGITS = 18;

  private HugeIntegers() {}

  static void reject(String toml, String source) {
    int line = 1;
    int lineStart = 0;
    int i = 0;
    int n = toml.length();
    while (i < n) {
      char c = toml.charAt(i);
      if (c == '\n') {
        line++;
        lineStart = ++i;
      } else if (c == '#') {
        while (i < n && toml.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'') {
        boolean multi = toml.startsWith(c == '"' ? "\"\"\"" : "'''", i);
        int end = skipString(toml, i, c, multi);
        for (int k = i; k < end; k++) {
          if (toml.charAt(k) == '\n') {
            line++;
            lineStart = k + 1;
          }
        }
        i = end;
      } else if (isBare(c)) {
        int start = i;
        while (i < n && isBare(toml.charAt(i))) {
          i++;
        }
        int digits = decimalDigits(toml, start, i);
        if (digits > MAX_DIGITS) {
          throw new InvalidConfigException(
              source,
              "line " + line + ", column " + (start - lineStart + 1),
              "<integer of " + digits + " digits>",
              "no setting accepts an integer that large");
        }
      } else {
        i++;
      }
    }
  }

  /** Index just past the string opened at {@code i}; the end of text if it is unterminated. */
  private static int skipString(String s, int i, char quote, boolean multi) {
    String close = multi ? String.valueOf(quote).repeat(3) : String.valueOf(quote);
    int j = i + close.length();
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '\\' && quote == '"') {
        j += 2;
      } else if (s.startsWith(close, j)) {
        j += close.length();
        // A multi-line string may end with extra quotes, which belong to its content.
        while (multi && j < s.length() && s.charAt(j) == quote) {
          j++;
        }
        return j;
      } else if (c == '\n' && !multi) {
        return j;
      } else {
        j++;
      }
    }
    return j;
  }

  private static boolean isBare(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || c == '_' || c == '-' || c == '+' || c == '.' || c == ':';
  }

  /** Digits of a token that is a decimal integer ({@code [+-]?[0-9_]+}), else 0. */
  private static int decimalDigits(String s, int from, int to) {
    int k = from;
    if (k < to && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
      k++;
    }
    int digits = 0;
    for (; k < to; k++) {
      char c = s.charAt(k);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c != '_') {
        return 0;
      }
    }
    return digits;
  }
}
