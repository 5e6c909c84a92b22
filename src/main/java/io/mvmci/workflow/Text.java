package io.mvmci.workflow;

import java.nio.charset.StandardCharsets;

/** UTF-8 helpers for guest strings. */
final class Text {
  private Text() {}

  /** Decodes at most {@code max} bytes, cutting before a character that would not fit whole. */
  static String utf8(byte[] bytes, int max) {
    int end = Math.min(bytes.length, max);
    if (end < bytes.length) {
      while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
        end--;
      }
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** The string quoted and cut to about {@code max} characters, on one line, for messages. */
  static String quote(String s, int max) {
    return "\"" + shorten(s, max) + "\"";
  }

  /** The string cut to about {@code max} characters with an ellipsis, line breaks escaped. */
  static String shorten(String s, int max) {
    String oneLine = s.replace("\r", "\\r").replace("\n", "\\n");
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
  }
}
