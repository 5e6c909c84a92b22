package io.mvmci.config;

import java.util.Base64;

/**
 * An AES-256 key for encrypted backups, from an entry of {@code node.enc_keys}: {@code
 * "id/base64key"}.
 *
 * @param id the key id, {@code [A-Za-z0-9_-]+}; stored next to what the key encrypts so the
 *     right key can be picked on decryption
 * @param key the base64 text of exactly 32 bytes
 */
public record EncKey(String id, Secret key) {

  /** The 32 key bytes; a fresh copy on each call. Never log them. */
  public byte[] bytes() {
    return Base64.getDecoder().decode(key.reveal());
  }
}
