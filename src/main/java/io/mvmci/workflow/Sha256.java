package io.mvmci.workflow;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the content hash of modules and the digest of journaled requests. */
final class Sha256 {
  private Sha256() {}

  static byte[] digest(byte[] data) {
    return newDigest().digest(data);
  }

  static String hex(byte[] data) {
    return HexFormat.of().formatHex(digest(data));
  }

  /** Cloning a prototype skips the provider look-up of {@code getInstance} on every call. */
  private static final MessageDigest PROTOTYPE = lookUp();

  static MessageDigest newDigest() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return lookUp();
    }
  }

  private static MessageDigest lookUp() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
