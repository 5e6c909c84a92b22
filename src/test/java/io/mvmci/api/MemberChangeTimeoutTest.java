package io.mvmci.api;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.ClusterConfig;
import io.mvmci.testing.FreePorts;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member added at runtime that never catches up (nothing runs at its addresses): the change is
 * given up after {@code catch_up_ms} and the call answers 504 problem+json, the group as it was.
 * Ratis keeps trying to reach the member until its staging timeout (a minute); a change meanwhile
 * is refused too, never with a 5xx other than 504.
 */
class MemberChangeTimeoutTest {
  @TempDir Path dir;

  static List<Integer> ids(Reply members) {
    List<Integer> out = new ArrayList<>();
    members.json().get("members").forEach(m -> out.add(m.get("id").asInt()));
    return out;
  }

  @Test
  void aMemberThatDoesNotCatchUpInTimeIsTakenOutAgainAnd504() {
    try (TestNode node = TestNode.cluster(dir, 1, "").get(0).start()) {
      String members = node.url("/api/v1/admin/cluster/members");
      String bearer = "Bearer " + ClusterConfig.SECRET_API;
      String body = "{\"id\":7,\"raft\":\"" + FreePorts.loopbackAddress() + "\",\"http\":\""
          + FreePorts.loopbackAddress() + "\",\"catch_up_ms\":1500}";
      long t0 = System.nanoTime();
      Reply r = post(members, "application/json", body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "Authorization", bearer);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).as(r.body()).isEqualTo(504);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.body()).contains("member 7").contains("1500 ms").contains("it is not a member");
      assertThat(tookMs).as("given up after catch_up_ms, not the two-minute default").isBetween(1_500L, 60_000L);

      Reply after = get(members, "Authorization", bearer);
      assertThat(after.status()).isEqualTo(200);
      assertThat(ids(after)).as("the listener was taken out again").containsExactly(1);

      Reply again = post(members, "application/json", body.replace("\"id\":7", "\"id\":8")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8), "Authorization", bearer);
      assertThat(again.status()).as("Ratis still stages member 7: " + again.body()).isIn(409, 504);
      assertThat(again.header("Content-Type")).startsWith("application/problem+json");
      assertThat(again.body()).contains("Membership change refused");
      assertThat(ids(get(members, "Authorization", bearer))).containsExactly(1);
    }
  }
}
