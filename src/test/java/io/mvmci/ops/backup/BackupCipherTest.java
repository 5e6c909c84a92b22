package io.mvmci.ops.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackupCipherTest {
  static final byte[] K1 = key(1);
  static final byte[] K2 = key(2);

  static byte[] key(int seed) {
    byte[] k = new byte[32];
    new Random(seed).nextBytes(k);
    return k;
  }

  static byte[] plain(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  static byte[] encrypt(byte[] plain, String keyId, byte[] key, int chunk) throws IOException {
    BackupHeader h = new BackupHeader(keyId, new byte[32], chunk, 1_700_000_000_000L, 2, 41);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackupCipher.encrypt(new ByteArrayInputStream(plain), out, h, key);
    return out.toByteArray();
  }

  static byte[] decrypt(byte[] file, Map<String, byte[]> keys) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BackupCipher.decrypt(new ByteArrayInputStream(file), out, id -> Optional.ofNullable(keys.get(id)));
    return out.toByteArray();
  }

  @Test
  void everySizeAroundChunkBoundariesRoundTrips() throws IOException {
    for (int size : new int[] {0, 1, 63, 64, 65, 127, 128, 129, 1000}) {
      byte[] p = plain(size);
      byte[] file = encrypt(p, "k1", K1, 64);
      assertThat(decrypt(file, Map.of("k1", K1))).as("size %d", size).isEqualTo(p);
    }
  }

  @Test
  void theHeaderNamesTheKeyAndWhatWasBackedUp() throws IOException {
    byte[] file = encrypt(plain(10), "rotated-2", K2, 64);
    BackupHeader h = BackupHeader.read(new ByteArrayInputStream(file));
    assertThat(h.keyId()).isEqualTo("rotated-2");
    assertThat(h.nodeId()).isEqualTo(2);
    assertThat(h.appliedIndex()).isEqualTo(41);
    assertThat(h.chunkSize()).isEqualTo(64);
  }

  @Test
  void anOlderListedKeyStillDecryptsAfterRotation() throws IOException {
    byte[] p = plain(300);
    byte[] madeWithOld = encrypt(p, "old", K1, 64);
    assertThat(decrypt(madeWithOld, Map.of("new", K2, "old", K1))).isEqualTo(p);
  }

  @Test
  void flippingAnyByteAnywhereIsRefused() throws IOException {
    byte[] file = encrypt(plain(200), "k1", K1, 64);
    for (int i = 0; i < file.length; i++) {
      byte[] bad = file.clone();
      bad[i] ^= 0x01;
      int at = i;
      assertThatThrownBy(() -> decrypt(bad, Map.of("k1", K1)))
          .as("byte %d of %d flipped", at, file.length)
          .isInstanceOf(BackupException.class)
          .hasMessageMatching("(?s).*(damaged|changed|truncated|not an mvm-ci backup|format version|not in"
              + " node.enc_keys).*");
    }
  }

  @Test
  void truncationAtAnyLengthAndTrailingBytesAreRefused() throws IOException {
    byte[] file = encrypt(plain(200), "k1", K1, 64);
    for (int len = 0; len < file.length; len++) {
      byte[] cut = Arrays.copyOf(file, len);
      int at = len;
      assertThatThrownBy(() -> decrypt(cut, Map.of("k1", K1))).as("cut to %d bytes", at)
          .isInstanceOf(BackupException.class);
    }
    byte[] longer = Arrays.copyOf(file, file.length + 1);
    assertThatThrownBy(() -> decrypt(longer, Map.of("k1", K1)))
        .isInstanceOf(BackupException.class).hasMessageContaining("bytes follow its last chunk");
  }

  @Test
  void reorderedChunksAreRefused() throws IOException {
    int chunk = 64;
    byte[] file = encrypt(plain(chunk * 3), "k1", K1, chunk);
    int header = BackupHeader.read(new ByteArrayInputStream(file)).encode().length;
    int sealed = 4 + chunk + BackupCipher.TAG_BYTES;
    byte[] swapped = file.clone();
    System.arraycopy(file, header, swapped, header + sealed, sealed);
    System.arraycopy(file, header + sealed, swapped, header, sealed);
    assertThatThrownBy(() -> decrypt(swapped, Map.of("k1", K1)))
        .isInstanceOf(BackupException.class).hasMessageContaining("chunk 0 fails its authentication check");
  }

  @Test
  void anUnknownKeyIdIsRefusedByName() throws IOException {
    byte[] file = encrypt(plain(10), "gone-2024", K1, 64);
    assertThatThrownBy(() -> decrypt(file, Map.of("k1", K1, "k2", K2)))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("key 'gone-2024'")
        .hasMessageContaining("not in node.enc_keys");
  }

  @Test
  void aDifferentKeyUnderTheSameIdIsRefused() throws IOException {
    byte[] file = encrypt(plain(10), "k1", K1, 64);
    assertThatThrownBy(() -> decrypt(file, Map.of("k1", K2)))
        .isInstanceOf(BackupException.class).hasMessageContaining("fails its authentication check");
  }

  @Test
  void somethingElseIsNotABackup() {
    assertThatThrownBy(() -> decrypt("SQLite format 3\0 and more".getBytes(), Map.of("k1", K1)))
        .isInstanceOf(BackupException.class).hasMessageContaining("not an mvm-ci backup");
  }

  @Test
  void twoBackupsOfTheSameBytesDifferUnderFreshSalts() throws IOException {
    byte[] p = plain(100);
    BackupHeader a = new BackupHeader("k1", key(7), 64, 1, 1, 1);
    BackupHeader b = new BackupHeader("k1", key(8), 64, 1, 1, 1);
    ByteArrayOutputStream x = new ByteArrayOutputStream();
    ByteArrayOutputStream y = new ByteArrayOutputStream();
    BackupCipher.encrypt(new ByteArrayInputStream(p), x, a, K1);
    BackupCipher.encrypt(new ByteArrayInputStream(p), y, b, K1);
    byte[] cx = Arrays.copyOfRange(x.toByteArray(), a.encode().length, x.size());
    byte[] cy = Arrays.copyOfRange(y.toByteArray(), b.encode().length, y.size());
    assertThat(cx).isNotEqualTo(cy);
  }
}
