package io.mvmci.ops.backup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Chunked AES-256-GCM over a stream (see {@link BackupHeader} for the layout). Each backup gets its
 * own file key, derived from the configured key and a random salt, so nonces (a chunk counter) never
 * repeat under one key. Files of any size stream through in constant memory.
 */
public final class BackupCipher {
  static final int TAG_BITS = 128;
  static final int TAG_BYTES = TAG_BITS / 8;
  public static final int DEFAULT_CHUNK = 1 << 20;
  private static final byte[] INFO = "mvm-ci backup v1".getBytes(StandardCharsets.US_ASCII);

  private BackupCipher() {}

  /** Writes {@code header} then {@code plain}, encrypted, to {@code out}. */
  public static void encrypt(InputStream plain, OutputStream out, BackupHeader header, byte[] key)
      throws IOException {
    byte[] aad = header.encode();
    SecretKeySpec fileKey = fileKey(key, header.salt());
    out.write(aad);
    DataOutputStream data = new DataOutputStream(out);
    byte[] chunk = new byte[header.chunkSize()];
    int n = plain.readNBytes(chunk, 0, chunk.length);
    long index = 0;
    while (true) {
      byte[] next = new byte[header.chunkSize()];
      int m = n < chunk.length ? 0 : plain.readNBytes(next, 0, next.length);
      boolean last = m == 0;
      byte[] sealed = seal(fileKey, nonce(index, last), aad, chunk, n);
      data.writeInt(sealed.length);
      data.write(sealed);
      if (last) {
        break;
      }
      chunk = next;
      n = m;
      index++;
    }
    data.flush();
  }

  /**
   * Reads a backup from {@code in}, checks every chunk, and writes the plaintext to {@code plain}.
   * The key is looked up by the id the header names.
   *
   * @throws BackupException naming the problem: unknown key id, damaged or truncated file, bytes
   *     after the end. Plaintext written before a failure must be discarded by the caller.
   */
  public static BackupHeader decrypt(InputStream in, OutputStream plain,
      Function<String, Optional<byte[]>> keys) throws IOException {
    BackupHeader header = BackupHeader.read(in);
    byte[] key = keys.apply(header.keyId()).orElseThrow(() -> new BackupException(
        "the backup was encrypted with key '" + header.keyId() + "', which is not in node.enc_keys; add"
            + " that key (keep old keys while backups made with them exist). If no such key was ever"
            + " used, the backup file is damaged"));
    byte[] aad = header.encode();
    SecretKeySpec fileKey = fileKey(key, header.salt());
    DataInputStream data = new DataInputStream(in);
    long index = 0;
    while (true) {
      int length;
      try {
        length = data.readInt();
      } catch (EOFException e) {
        throw new BackupException("the backup is truncated: it ends after chunk " + index
            + " without its last chunk");
      }
      if (length < TAG_BYTES || length > header.chunkSize() + TAG_BYTES) {
        throw new BackupException("the backup is damaged: chunk " + index + " claims " + length + " bytes");
      }
      byte[] sealed = data.readNBytes(length);
      if (sealed.length != length) {
        throw new BackupException("the backup is truncated inside chunk " + index);
      }
      byte[] opened = open(fileKey, nonce(index, false), aad, sealed);
      boolean last = false;
      if (opened == null) {
        opened = open(fileKey, nonce(index, true), aad, sealed);
        last = true;
      }
      if (opened == null) {
        throw new BackupException("the backup is damaged or was changed: chunk " + index
            + " fails its authentication check (the key '" + header.keyId() + "' may also be a different"
            + " key under the same id)");
      }
      plain.write(opened);
      if (last) {
        break;
      }
      index++;
    }
    if (in.read() != -1) {
      throw new BackupException("the backup is damaged: bytes follow its last chunk");
    }
    return header;
  }

  private static byte[] seal(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] plain, int n) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      return c.doFinal(plain, 0, n);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  /** The plaintext, or null if the tag does not match under this nonce. */
  private static byte[] open(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] sealed) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      return c.doFinal(sealed);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  static byte[] nonce(long index, boolean last) {
    return ByteBuffer.allocate(12).putLong(index).put(new byte[3]).put((byte) (last ? 1 : 0)).array();
  }

  /** HKDF-SHA256 (RFC 5869), one block: the 32-byte AES key of one backup file. */
  static SecretKeySpec fileKey(byte[] key, byte[] salt) {
    if (key.length != 32) {
      throw new BackupException("a backup key must be 32 bytes (AES-256), not " + key.length);
    }
    try {
      Mac extract = Mac.getInstance("HmacSHA256");
      extract.init(new SecretKeySpec(salt, "HmacSHA256"));
      byte[] prk = extract.doFinal(key);
      Mac expand = Mac.getInstance("HmacSHA256");
      expand.init(new SecretKeySpec(prk, "HmacSHA256"));
      expand.update(INFO);
      expand.update((byte) 1);
      byte[] okm = expand.doFinal();
      Arrays.fill(prk, (byte) 0);
      return new SecretKeySpec(okm, "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
    }
  }
}
