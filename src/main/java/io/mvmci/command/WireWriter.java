package io.mvmci.command;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Big-endian primitives for the command envelope. Strings are a u32 byte length and UTF-8. */
final class WireWriter {
  private final ByteArrayOutputStream out;

  WireWriter(int sizeHint) {
    out = new ByteArrayOutputStream(sizeHint);
  }

  WireWriter u8(int v) {
    out.write(v);
    return this;
  }

  WireWriter u16(int v) {
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  WireWriter i32(int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  WireWriter i64(long v) {
    i32((int) (v >>> 32));
    return i32((int) v);
  }

  WireWriter bool(boolean v) {
    return u8(v ? 1 : 0);
  }

  WireWriter bytes(byte[] b) {
    i32(b.length);
    out.write(b, 0, b.length);
    return this;
  }

  WireWriter raw(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  WireWriter str(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A string that may be absent: a presence byte, then the string. */
  WireWriter optStr(String s) {
    bool(s != null);
    return s == null ? this : str(s);
  }

  int size() {
    return out.size();
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
