package io.mvmci.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coverage-guided fuzzing of job submission parsing (issue 16), the bodies of {@code POST /new-job}
 * and {@code POST /api/v1/jobs[:batch]}: any body parses to a job or is a {@link BadRequestException}
 * (a 400 naming the field), never another exception, which would be a 500.
 */
class SubmissionFuzzTest {
  /** As the node's mapper: a key given twice is refused (ApiWiring#strictDuplicates). */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final long NOW = 1_700_000_000_000L;

  @FuzzTest
  void form(byte[] body) {
    try {
      SubmitRequests.fromForm(FormBody.parse(text(body), SubmitRequests.FIELDS), "key", NOW);
    } catch (BadRequestException refused) {
      // a 400
    }
  }

  @FuzzTest
  void json(byte[] body) {
    try {
      SubmitRequests.fromJson(text(body), JSON, null, NOW);
    } catch (BadRequestException refused) {
      // a 400
    }
  }

  @FuzzTest
  void batch(byte[] body) {
    try {
      SubmitRequests.batchFromJson(text(body), JSON, 100, NOW);
    } catch (BadRequestException refused) {
      // a 400
    }
  }

  /** The body as the node decodes it; bytes that are not UTF-8 are fuzzed as Latin-1 text instead. */
  private static String text(byte[] body) {
    try {
      return RequestBodies.utf8(body, "body");
    } catch (BadRequestException notUtf8) {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }
}
