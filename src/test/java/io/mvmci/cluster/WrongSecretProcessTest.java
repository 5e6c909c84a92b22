package io.mvmci.cluster;

import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.Http;
import io.mvmci.testing.Http.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.TestWatcher;
import tools.jackson.databind.JsonNode;

/**
 * A member configured with the wrong {@code secret_raft} (same node list, same ports, another secret)
 * cannot take part: the Raft mTLS handshake fails both ways, so it never learns a leader, never
 * receives an entry, and refuses writes with a 503 problem; the two right members carry on as a
 * majority of three.
 */
@ExtendWith(WrongSecretProcessTest.DumpLogsOnFailure.class)
class WrongSecretProcessTest {
  static final String FORM = "application/x-www-form-urlencoded";
  static final String WRONG = "not-the-cluster-raft-secret-987654321";

  static ProcessCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ProcessCluster.start("wrong-secret",
        List.of(ProcessCluster.SECRET_RAFT, ProcessCluster.SECRET_RAFT, WRONG));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aNodeWithTheWrongRaftSecretCannotJoinAndTheOthersKeepWorking() {
    NodeProcess one = cluster.node(1);
    NodeProcess two = cluster.node(2);
    NodeProcess odd = cluster.node(3);
    NodeProcess leader = cluster.awaitLeader(List.of(one, two), ProcessCluster.START_DEADLINE);
    assertThat(leader.id).isIn(1, 2);

    // The right members accept writes from either of them and read them back.
    Reply a = post(one.url("/new-job"), FORM, "url=https://example.com/right/1");
    Reply b = post(two.url("/new-job"), FORM, "url=https://example.com/right/2");
    assertThat(List.of(a.status(), b.status())).containsOnly(201);
    assertThat(ProcessCluster.list(two)).containsKey(a.json().get("job_id").asString());
    assertThat(ProcessCluster.list(one)).containsKey(b.json().get("job_id").asString());

    // The odd one's write is refused with a problem, not accepted into a private history.
    Reply refused = post(odd.url("/new-job"), FORM, "url=https://example.com/odd");
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().get("type").asString()).isEqualTo("urn:mvmci:problem:unavailable");

    // Its own copy never shows what the others committed, and it never learns of their leader.
    await("node 3 stays outside").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          JsonNode view = odd.cluster();
          return ProcessCluster.list(odd, "/queue/list?consistency=local").isEmpty()
              && view.get("leader_id").isNull() && view.get("applied_index").asLong() <= 0;
        });
    assertThat(Http.get(odd.url("/queue/list")).status())
        .as("a linearizable read on a node that reaches no leader").isEqualTo(503);

    // Meanwhile, and after all that, the right members still work.
    Reply c = post(two.url("/new-job"), FORM, "url=https://example.com/right/3");
    assertThat(c.status()).isEqualTo(201);
    assertThat(ProcessCluster.list(one)).hasSize(3).containsEntry(c.json().get("job_id").asString(),
        "https://example.com/right/3");
    assertThat(ProcessCluster.list(odd, "/queue/list?consistency=local")).isEmpty();
  }

  static class DumpLogsOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.out.println("---- " + context.getDisplayName() + " failed; node logs:\n" + cluster.logs());
      }
    }
  }
}
