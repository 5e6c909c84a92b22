package io.mvmci.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads request bodies ourselves, rather than through servlet parameters or message converters, so
 * that the size cap, malformed encodings and invalid UTF-8 each get their own clear 4xx.
 */
final class RequestBodies {
  private RequestBodies() {}

  /** The body as text; over {@code cap} bytes is a 413, invalid UTF-8 a 400. */
  static String read(HttpServletRequest request, int cap) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > cap) {
      throw new PayloadTooLargeException(cap);
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(cap + 1);
    }
    if (body.length > cap) {
      throw new PayloadTooLargeException(cap);
    }
    return utf8(body, "request body");
  }

  static String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException(null, what + " is not valid UTF-8");
    }
  }
}
