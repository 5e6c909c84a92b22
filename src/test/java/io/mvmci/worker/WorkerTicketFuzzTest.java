package io.mvmci.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of worker-ticket parsing (issue 16), what {@code mvm-ci worker --ticket}
 * does with the text it is given: any text is a ticket or an {@link IllegalArgumentException} whose
 * message says what is wrong, never another exception. A ticket that parses encodes to one that
 * parses to the same ticket.
 */
class WorkerTicketFuzzTest {
  @FuzzTest
  void decode(byte[] text) {
    WorkerTicket ticket;
    try {
      ticket = WorkerTicket.decode(new String(text, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).contains("worker ticket");
      return;
    }
    assertThat(ticket.urls()).isNotEmpty();
    assertThat(ticket.token()).isNotEmpty();
    assertThat(WorkerTicket.decode(ticket.encode())).isEqualTo(ticket);
  }
}
