package io.mvmci.artifact;

import io.mvmci.command.RecordArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * This node's blobs: content-addressed files {@code blobs/<aa>/<sha256>} under the artifacts directory,
 * and {@code tmp/} for uploads being spooled or received. A blob is published by an atomic rename
 * after its hash was checked, so a blob file is always whole and never changes.
 */
public final class BlobStore {
  private final Path blobs;
  private final Path tmp;

  public BlobStore(Path dir) throws IOException {
    this.blobs = Files.createDirectories(dir.resolve("blobs"));
    this.tmp = Files.createDirectories(dir.resolve("tmp"));
  }

  public Path path(String sha256) {
    return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  public boolean has(String sha256) {
    return Files.isRegularFile(path(sha256));
  }

  /** A spooled upload: a temporary file, its size and its hash. Delete it when done. */
  public record Spooled(Path file, long size, String sha256) implements AutoCloseable {
    @Override
    public void close() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Copies {@code in} to a temporary file, hashing; more than {@code max} bytes is refused. */
  public Spooled spool(InputStream in, long max) throws IOException {
    Path file = tmp.resolve("spool-" + UUID.randomUUID());
    MessageDigest sha = sha256();
    long size = 0;
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        size += n;
        if (size > max) {
          throw new ArtifactTooLargeException("the artifact is larger than artifacts.max_artifact_bytes = " + max);
        }
        sha.update(buf, 0, n);
        out.write(buf, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return new Spooled(file, size, HexFormat.of().formatHex(sha.digest()));
  }

  /** Publishes a spooled file as a blob (a copy: the spool stays the caller's). */
  public void publishCopy(Spooled s) throws IOException {
    if (has(s.sha256())) {
      return;
    }
    Path t = tmp.resolve("copy-" + UUID.randomUUID());
    Files.copy(s.file(), t);
    publish(t, s.sha256());
  }

  /** Moves a verified temporary file into place; if the blob exists already the file is dropped. */
  void publish(Path verified, String sha256) throws IOException {
    Path target = path(sha256);
    Files.createDirectories(target.getParent());
    try (FileChannel c = FileChannel.open(verified, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    try {
      Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(verified, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Stores bytes fetched from a peer as a blob, if they hash to {@code sha256}. */
  public void put(InputStream in, String sha256, long size) throws IOException {
    try (Receive r = receive(sha256, size)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        r.write(ByteBuffer.wrap(buf, 0, n));
      }
    }
  }

  /** A copy arriving for the blob {@code sha256} of {@code size} bytes (a DataStream, a peer's fetch). */
  Receive receive(String sha256, long size) throws IOException {
    return new Receive(tmp.resolve("recv-" + UUID.randomUUID()), sha256, size);
  }

  /** Receives the bytes of one blob, hashing; {@link #close()} checks size and hash and publishes. */
  final class Receive implements io.mvmci.replication.BulkReceiver.Write {
    private final Path file;
    private final String expected;
    private final long size;
    private final FileChannel out;
    private final MessageDigest sha = sha256();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private long written;

    Receive(Path file, String expected, long size) throws IOException {
      this.file = file;
      this.expected = expected;
      this.size = size;
      this.out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (written + src.remaining() > size) {
        throw new IOException("blob " + expected + " is longer than its " + size + " bytes");
      }
      ByteBuffer hashed = src.duplicate();
      int n = 0;
      while (src.hasRemaining()) {
        n += out.write(src);
      }
      sha.update(hashed);
      written += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return open.get();
    }

    @Override
    public void close() throws IOException {
      if (!open.compareAndSet(true, false)) {
        return;
      }
      try {
        out.force(true);
        out.close();
        String actual = HexFormat.of().formatHex(sha.digest());
        if (written != size || !actual.equals(expected)) {
          throw new IOException("blob " + expected + " arrived as " + written + " bytes hashing to " + actual);
        }
        if (has(expected)) {
          Files.deleteIfExists(file);
        } else {
          publish(file, expected);
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(file);
        throw e;
      }
    }

    @Override
    public void abort() {
      open.set(false);
      try {
        out.close();
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover in tmp/ is swept
      }
    }
  }

  /**
   * Deletes blobs that {@code referenced} says no artifact refers to and that are older than
   * {@code olderThanMs}, and temporary files older than that; returns how many blobs went.
   */
  public int sweep(Predicate<String> referenced, long olderThanMs, long nowMs) throws IOException {
    int deleted = 0;
    try (Stream<Path> files = Files.walk(blobs, 2)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (nowMs - Files.getLastModifiedTime(f).toMillis() > olderThanMs
            && !referenced.test(f.getFileName().toString()) && Files.deleteIfExists(f)) {
          deleted++;
        }
      }
    }
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path f : files.toList()) {
        if (nowMs - Files.getLastModifiedTime(f).toMillis() > olderThanMs) {
          Files.deleteIfExists(f);
        }
      }
    }
    return deleted;
  }

  /** The SHA-256 of {@code bytes}, in lower-case hex. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The receiver the state machine hands each DataStream to: a {@link RecordArtifact} header only. */
  public io.mvmci.replication.BulkReceiver receiver() {
    return header -> {
      if (!(header instanceof RecordArtifact a)) {
        throw new IOException("not an artifact stream: " + header.type());
      }
      return receive(a.sha256(), a.size());
    };
  }
}
