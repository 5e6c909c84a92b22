package io.mvmci.command;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope of one Raft log entry: a batch of commands (group commit folds many submissions into
 * one entry).
 *
 * <pre>
 *   u8  magic 0x4D ('M')
 *   u8  envelope version (1)
 *   u32 command count (1 or more)
 *   per command: u16 type code, u32 payload length, payload
 * </pre>
 *
 * All integers are big-endian; strings are a u32 byte length and UTF-8. Decoding is strict: an unknown
 * version or type code, a short or over-long payload, or bad UTF-8 is a
 * {@link MalformedCommandException}.
 */
public final class CommandCodec {
  static final int MAGIC = 0x4D;
  static final int VERSION = 1;
  /** Bounds what a corrupt count can make the decoder allocate. */
  static final int MAX_COMMANDS = 1 << 20;

  private CommandCodec() {}

  public static byte[] encode(List<? extends Command> batch) {
    List<byte[]> frames = new ArrayList<>(batch.size());
    for (Command c : batch) {
      frames.add(frame(c));
    }
    return envelope(frames);
  }

  public static byte[] encode(Command command) {
    return encode(List.of(command));
  }

  /** One command as it appears inside an envelope: type code, payload length, payload. */
  public static byte[] frame(Command c) {
    WireWriter payload = new WireWriter(128);
    c.writeTo(payload);
    byte[] body = payload.toByteArray();
    return new WireWriter(body.length + 6).u16(c.type().code).bytes(body).toByteArray();
  }

  /** An envelope around frames made by {@link #frame}. */
  public static byte[] envelope(List<byte[]> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("empty batch");
    }
    int size = 6;
    for (byte[] f : frames) {
      size += f.length;
    }
    WireWriter w = new WireWriter(size);
    w.u8(MAGIC).u8(VERSION).i32(frames.size());
    for (byte[] f : frames) {
      w.raw(f);
    }
    return w.toByteArray();
  }

  public static List<Command> decode(byte[] entry) {
    return decode(ByteBuffer.wrap(entry));
  }

  public static List<Command> decode(ByteBuffer entry) {
    WireReader r = new WireReader(entry);
    int magic = r.u8();
    if (magic != MAGIC) {
      throw new MalformedCommandException("not a command envelope (magic " + magic + ")");
    }
    int version = r.u8();
    if (version != VERSION) {
      throw new MalformedCommandException("unknown envelope version " + version);
    }
    int count = r.i32();
    if (count < 1 || count > MAX_COMMANDS) {
      throw new MalformedCommandException("command count " + count);
    }
    List<Command> out = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      int type = r.u16();
      WireReader payload = r.slice(r.i32());
      Command c = CommandType.of(type).read(payload);
      payload.expectEnd("command type " + type);
      out.add(c);
    }
    r.expectEnd("batch");
    return out;
  }
}
