package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.Result;
import io.mvmci.command.ResultCodec;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A diagnostic trace of every entry this node applies, for finding where two replicas parted: one
 * line per entry, {@code index term how entry results}, where {@code how} is {@code leader} (applied
 * from the leader's own decoded proposal), {@code log} (decoded from the log), {@code skip} (the
 * database held it already: a restart's replay) or {@code meta} (Ratis's own entry), {@code entry} is
 * the first 8 bytes of the SHA-256 of the entry's bytes in the log and {@code results} of its encoded
 * results. Two nodes whose lines for one index differ in {@code entry} hold different logs; in
 * {@code results} only, applied one log differently. On the leader the proposal it applies is encoded
 * again and compared with the log's bytes: a difference is written as {@code MISMATCH} and logged as
 * an error. Start-ups and installed snapshots are written too.
 *
 * <p>Off unless the system property {@code mvmci.apply.trace} is {@code true} (the tests' node
 * processes set it); then written to {@code apply-trace.log} beside the database, a line at a time
 * (each reaches the OS before the next entry, so a killed process loses none). Costs two SHA-256 of a
 * few hundred bytes an entry. Threading: the apply thread, and Ratis's threads that start the state
 * machine or install a snapshot, which never run at once with it; synchronized anyway.
 */
public final class ApplyTrace {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyTrace.class);
  static final String PROPERTY = "mvmci.apply.trace";
  static final ApplyTrace OFF = new ApplyTrace(null);

  private final Writer out;

  private ApplyTrace(Writer out) {
    this.out = out;
  }

  /** The trace beside {@code dbFile}, if {@link #PROPERTY} asks for one; else {@link #OFF}. */
  static ApplyTrace beside(Path dbFile) {
    if (!Boolean.getBoolean(PROPERTY)) {
      return OFF;
    }
    try {
      Files.createDirectories(dbFile.toAbsolutePath().getParent());
      return new ApplyTrace(Files.newBufferedWriter(dbFile.resolveSibling("apply-trace.log"),
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    } catch (IOException e) {
      LOG.warn("cannot open the apply trace beside {}: {}", dbFile, e.toString());
      return OFF;
    }
  }

  boolean on() {
    return out != null;
  }

  /** An applied entry; {@code proposed} is the leader's own batch, or null. */
  void applied(long index, long term, ByteBuffer logData, List<Command> proposed, List<Result> results) {
    if (out == null) {
      return;
    }
    String entry = sha(bytes(logData));
    String how = proposed == null ? "log" : "leader";
    if (results == null) {
      how = "skip";
    }
    StringBuilder line = new StringBuilder().append(index).append(' ').append(term).append(' ').append(how)
        .append(' ').append(entry).append(' ').append(results == null ? "-" : sha(ResultCodec.encode(results)));
    if (proposed != null) {
      String mine = sha(CommandCodec.encode(proposed));
      if (!mine.equals(entry)) {
        line.append(" MISMATCH proposal ").append(mine);
        LOG.error("the leader applied a proposal at index {} whose encoding ({}) is not the log's entry ({})",
            index, mine, entry);
      }
    }
    write(line.toString());
  }

  /** One of Ratis's own entries (a configuration, a new leader's first). */
  void meta(long index, long term) {
    if (out != null) {
      write(index + " " + term + " meta");
    }
  }

  /** Anything else worth a line: a start, an installed snapshot. */
  void note(String what) {
    if (out != null) {
      write("# " + what);
    }
  }

  private synchronized void write(String line) {
    try {
      out.write(line);
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      LOG.debug("apply trace: {}", e.toString());
    }
  }

  synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        LOG.debug("closing the apply trace: {}", e.toString());
      }
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] a = new byte[d.remaining()];
    d.get(a);
    return a;
  }

  /** The first 8 bytes of the SHA-256 of {@code data}, in hex: how the trace names entries and results. */
  public static String sha(byte[] data) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(data);
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
