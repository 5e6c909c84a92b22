package io.mvmci.command;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads what {@link WireWriter} wrote; any malformation is a {@link MalformedCommandException}. */
final class WireReader {
  private final ByteBuffer in;

  WireReader(byte[] b) {
    this(ByteBuffer.wrap(b));
  }

  WireReader(ByteBuffer in) {
    this.in = in;
  }

  int u8() {
    need(1);
    return in.get() & 0xff;
  }

  int u16() {
    need(2);
    return in.getShort() & 0xffff;
  }

  int i32() {
    need(4);
    return in.getInt();
  }

  long i64() {
    need(8);
    return in.getLong();
  }

  boolean bool() {
    int b = u8();
    if (b > 1) {
      throw new MalformedCommandException("boolean byte " + b);
    }
    return b == 1;
  }

  byte[] bytes() {
    int n = i32();
    if (n < 0) {
      throw new MalformedCommandException("negative length " + n);
    }
    need(n);
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  String str() {
    byte[] b = bytes();
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedCommandException("string is not UTF-8");
    }
  }

  String optStr() {
    return bool() ? str() : null;
  }

  /** A view of the next {@code n} bytes, consumed. */
  WireReader slice(int n) {
    if (n < 0) {
      throw new MalformedCommandException("negative length " + n);
    }
    need(n);
    ByteBuffer s = in.slice();
    s.limit(n);
    in.position(in.position() + n);
    return new WireReader(s);
  }

  boolean hasRemaining() {
    return in.hasRemaining();
  }

  void expectEnd(String what) {
    if (in.hasRemaining()) {
      throw new MalformedCommandException(in.remaining() + " trailing bytes after " + what);
    }
  }

  private void need(int n) {
    if (in.remaining() < n) {
      throw new MalformedCommandException("truncated: need " + n + " bytes, have " + in.remaining());
    }
  }
}
