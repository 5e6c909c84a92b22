package io.mvmci.workflow;

import com.dylibso.chicory.runtime.Instance;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * ABI v4's artifact calls for one run (workflows/README.md): {@code artifact_open}, {@code
 * artifact_write} and {@code artifact_close}. Writes go to a temporary spool file on this machine,
 * hashed as they come, and are not journaled (a replay writes them again, deterministically); {@code
 * artifact_close} is the journaled step: new, it stores the artifact through {@link RunServices} (which
 * answers once a majority of the cluster holds the bytes) and records the answer; replayed, it returns
 * the recorded answer and stores nothing again. Used only by the run's thread.
 */
final class ArtifactCalls implements AutoCloseable {
  static final int MAX_OPEN = 16;
  static final int MAX_NAME = 255;
  static final int STORED = 0;
  static final int REFUSED = 1;
  static final int NO_HANDLE = -1;
  static final int TOO_LARGE = -2;

  private final RunJournal steps;
  private final RunServices cluster;
  private final Map<Integer, Spool> open = new HashMap<>();
  private int nextHandle;

  ArtifactCalls(RunJournal steps, RunServices cluster) {
    this.steps = steps;
    this.cluster = cluster;
  }

  private static final class Spool {
    final String name;
    final Path file;
    final OutputStream out;
    final MessageDigest sha;
    long size;

    Spool(String name) throws IOException {
      this.name = name;
      this.file = Files.createTempFile("mvmci-artifact-", ".spool");
      this.out = Files.newOutputStream(file);
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void discard() {
      try {
        out.close();
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temporary file
      }
    }
  }

  int open(Instance inst, int ptr, int len) {
    if (Integer.toUnsignedLong(len) > MAX_NAME * 4L) {
      return -1;
    }
    String name = new String(GuestMemory.read(inst.memory(), ptr, len), StandardCharsets.UTF_8);
    if (name.isEmpty() || name.length() > MAX_NAME || name.equals(".") || name.equals("..")
        || name.chars().anyMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f)) {
      return -1;
    }
    if (open.size() >= MAX_OPEN) {
      return -2;
    }
    try {
      int handle = nextHandle++;
      open.put(handle, new Spool(name));
      return handle;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool an artifact", e);
    }
  }

  int write(Instance inst, int handle, int ptr, int len) {
    Spool s = open.get(handle);
    if (s == null) {
      return NO_HANDLE;
    }
    byte[] bytes = GuestMemory.read(inst.memory(), ptr, len);
    long max = cluster == null ? 1L << 30 : cluster.maxArtifactBytes();
    if (s.size + bytes.length > max) {
      return TOO_LARGE;
    }
    try {
      s.out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool an artifact", e);
    }
    s.sha.update(bytes);
    s.size += bytes.length;
    return 0;
  }

  /** Returns the code; {@code answer} receives the bytes the guest reads with result_read. */
  int close(int handle, java.util.function.Consumer<byte[]> answer) {
    Spool s = open.remove(handle);
    if (s == null) {
      return NO_HANDLE;
    }
    try {
      s.out.close();
      String sha256 = HexFormat.of().formatHex(s.sha.digest());
      Step.Request request = Step.Request.of(AbiImport.ARTIFACT_CLOSE,
          (s.name + "\n" + sha256).getBytes(StandardCharsets.UTF_8),
          Text.quote(s.name, 120) + " " + s.size + " bytes sha256 " + sha256.substring(0, 12));
      Step recorded = steps.next(request);
      if (recorded != null && recorded.done()) {
        answer.accept(recorded.result());
        return recorded.code();
      }
      RunServices.Answer a = cluster == null
          ? RunServices.Answer.of(REFUSED, "this run has no cluster to store artifacts in".getBytes(StandardCharsets.UTF_8))
          : cluster.storeArtifact(s.name, s.file, s.size, sha256);
      if (recorded == null) {
        steps.record(request, a.code(), a.bytes());
      } else {
        steps.recordResult(request, a.code(), a.bytes());
      }
      answer.accept(a.bytes());
      return a.code();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool an artifact", e);
    } finally {
      s.discard();
    }
  }

  @Override
  public void close() {
    open.values().forEach(Spool::discard);
    open.clear();
  }
}
