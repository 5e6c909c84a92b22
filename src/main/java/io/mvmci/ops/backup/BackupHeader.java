package io.mvmci.ops.backup;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The clear-text header of a backup file, format version 1. Every byte of it is authenticated: it
 * is the additional data of every encrypted chunk, so a changed key id, salt or chunk size fails
 * the first chunk's tag.
 *
 * <pre>
 *   offset  size  field
 *   0       8     magic "MVMCIBAK"
 *   8       1     format version = 1
 *   9       1     key id length n (1-255)
 *   10      n     key id, ASCII, one of node.enc_keys
 *   10+n    32    salt: the file key is HKDF-SHA256(enc key, salt, "mvm-ci backup v1")
 *   42+n    4     chunk size: plaintext bytes per chunk (the last may be shorter), big-endian
 *   46+n    8     created at, ms since the epoch
 *   54+n    4     node id the backup was taken on
 *   58+n    8     Raft applied index of the copy (meta.applied_index when it was taken)
 * </pre>
 *
 * Then chunks: a 4-byte big-endian ciphertext length, then that many bytes of AES-256-GCM output
 * (ciphertext and 16-byte tag). Chunk {@code i}'s nonce is {@code i} as 8 big-endian bytes, three zero
 * bytes, then 1 for the last chunk and 0 otherwise: chunks cannot be reordered, dropped, or
 * truncated at a chunk boundary without failing a tag. Nothing may follow the last chunk.
 *
 * @param keyId names the key in {@code node.enc_keys} the file key is derived from
 */
public record BackupHeader(String keyId, byte[] salt, int chunkSize, long createdAtMillis, int nodeId,
    long appliedIndex) {

  static final byte[] MAGIC = "MVMCIBAK".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int SALT_BYTES = 32;
  static final int MAX_CHUNK = 16 * 1024 * 1024;

  public BackupHeader {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    if (id.length == 0 || id.length > 255) {
      throw new BackupException("a backup key id must have 1-255 characters, not " + id.length);
    }
    if (salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("salt must be " + SALT_BYTES + " bytes");
    }
    if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
      throw new IllegalArgumentException("chunk size " + chunkSize);
    }
    salt = salt.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /** The header's bytes exactly as written, which are also every chunk's additional data. */
  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
      out.write(MAGIC);
      out.writeByte(VERSION);
      out.writeByte(id.length);
      out.write(id);
      out.write(salt);
      out.writeInt(chunkSize);
      out.writeLong(createdAtMillis);
      out.writeInt(nodeId);
      out.writeLong(appliedIndex);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads a header; refuses anything that is not a version-1 mvm-ci backup. */
  static BackupHeader read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new BackupException("not an mvm-ci backup (the file does not start with MVMCIBAK)");
      }
      int version = data.readUnsignedByte();
      if (version != VERSION) {
        throw new BackupException("backup format version " + version + " is not one this mvm-ci reads ("
            + VERSION + ")");
      }
      int idLength = data.readUnsignedByte();
      byte[] id = data.readNBytes(idLength);
      for (byte b : id) {
        if (b < 0x20 || b > 0x7e) { // US-ASCII decoding would make it '?', and the header another header
          throw new BackupException("the backup is damaged: its key id is not printable ASCII");
        }
      }
      String keyId = new String(id, StandardCharsets.US_ASCII);
      byte[] salt = data.readNBytes(SALT_BYTES);
      int chunkSize = data.readInt();
      long createdAt = data.readLong();
      int nodeId = data.readInt();
      long applied = data.readLong();
      if (keyId.length() != idLength || salt.length != SALT_BYTES) {
        throw new EOFException();
      }
      if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
        throw new BackupException("the backup is damaged: its header names a chunk size of " + chunkSize
            + " bytes");
      }
      return new BackupHeader(keyId, salt, chunkSize, createdAt, nodeId, applied);
    } catch (EOFException e) {
      throw new BackupException("the backup is truncated: it ends inside its header");
    }
  }
}
