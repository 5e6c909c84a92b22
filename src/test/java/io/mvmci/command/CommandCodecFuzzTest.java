package io.mvmci.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mvmci.testing.Allocations;
import java.util.List;

/**
 * Coverage-guided fuzzing of the log's wire format (issue 16): any bytes given to
 * {@link CommandCodec#decode} or {@link ResultCodec#decode} either decode or are a
 * {@link MalformedCommandException}; never another exception, and never an allocation out of
 * proportion to the input (a corrupt length field must not make the node allocate gigabytes). What
 * decodes re-encodes to bytes that decode to the same thing.
 *
 * <p>{@code mvn test} runs each target on its seeds ({@code CommandCodecFuzzTestInputs/<method>/}:
 * a batch of every command type as the encoder writes it, the golden frames, a group-commit batch,
 * and each finding so far); {@code scripts/fuzz.sh} fuzzes them.
 */
class CommandCodecFuzzTest {
  @FuzzTest
  void decode(byte[] entry) throws Exception {
    List<Command> batch;
    try {
      batch = Allocations.proportional(entry.length, "decoding an entry", () -> CommandCodec.decode(entry));
    } catch (MalformedCommandException refused) {
      return;
    }
    byte[] again = CommandCodec.encode(batch);
    List<Command> redecoded = CommandCodec.decode(again);
    assertThat(redecoded).hasSameSizeAs(batch);
    assertThat(CommandCodec.encode(redecoded)).as("re-encoding is stable").isEqualTo(again);
  }

  @FuzzTest
  void results(byte[] reply) throws Exception {
    List<Result> results;
    try {
      results = Allocations.proportional(reply.length, "decoding a reply", () -> ResultCodec.decode(reply));
    } catch (MalformedCommandException refused) {
      return;
    }
    byte[] again = ResultCodec.encode(results);
    assertThat(ResultCodec.decode(again)).isEqualTo(results);
    assertThat(ResultCodec.encode(ResultCodec.decode(again))).isEqualTo(again);
  }
}
