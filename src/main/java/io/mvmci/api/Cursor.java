package io.mvmci.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque keyset cursor of {@code GET /api/v1/jobs}: the last job's sequence number, versioned and
 * base64url-encoded so that clients treat it as a token rather than an offset.
 */
final class Cursor {
  private static final String PREFIX = "v1:";

  private Cursor() {}

  static String encode(long lastSeq) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((PREFIX + lastSeq).getBytes(StandardCharsets.US_ASCII));
  }

  /** The sequence number to continue after; -1 for no cursor. */
  static long decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return -1;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (s.startsWith(PREFIX)) {
        long seq = Long.parseLong(s.substring(PREFIX.length()));
        if (seq >= 0) {
          return seq;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw new BadRequestException("cursor", "cursor is not one this API returned");
  }
}
