package io.mvmci.ops.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvmci.testing.Allocations;
import java.io.ByteArrayInputStream;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of a backup's header, the first thing a restore reads from a file it was
 * handed (issue 16): any bytes are a header or a {@link BackupException} saying what is wrong, with
 * an allocation bounded by the input (the key id's length is one byte, the chunk size is checked
 * before anything uses it). A header that reads re-encodes to the bytes it was read from.
 */
class BackupHeaderFuzzTest {
  @FuzzTest
  void read(byte[] file) throws Exception {
    BackupHeader header;
    try {
      header = Allocations.proportional(file.length, "reading a header",
          () -> BackupHeader.read(new ByteArrayInputStream(file)));
    } catch (BackupException refused) {
      return;
    }
    byte[] encoded = header.encode();
    assertThat(Arrays.copyOf(file, encoded.length)).as("a header re-encodes to its own bytes").isEqualTo(encoded);
    assertThat(BackupHeader.read(new ByteArrayInputStream(encoded))).usingRecursiveComparison().isEqualTo(header);
  }
}
