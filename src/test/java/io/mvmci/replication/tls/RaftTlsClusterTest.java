package io.mvmci.replication.tls;

import static io.mvmci.replication.tls.TlsCluster.FAIL_FAST;
import static io.mvmci.replication.tls.TlsCluster.PATIENT;
import static io.mvmci.replication.tls.TlsCluster.newPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mvmci.replication.tls.TlsCluster.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real Ratis servers and clients over real gRPC on loopback: who can and who cannot take part.
 * Every negative case has a positive twin that differs only in the secret, so a test that
 * passes because nothing works at all is caught by its twin.
 */
class RaftTlsClusterTest {
  private static final String SECRET = "cluster-secret-for-the-tests-01";
  private static final String WRONG_SECRET = "not-the-cluster-secret-at-all-02";
  private static final Duration WATCH = Duration.ofSeconds(2);
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  static Path tmp;

  private static RaftTls good;
  private static RaftTls wrong;
  /** Holds the wrong key and accepts any peer: a client or server with its own check removed. */
  private static RaftTls rogue;

  // One healthy three-node cluster for the tests that do not change membership.
  private static TlsCluster shared;
  private static RaftGroup sharedGroup;
  private static List<Node> sharedNodes;
  private static RaftClient sharedClient;

  @BeforeAll
  static void startSharedCluster() throws IOException {
    good = RaftTls.fromSecret(SECRET);
    wrong = RaftTls.fromSecret(WRONG_SECRET);
    rogue = RaftTls.with(ClusterIdentity.derive(WRONG_SECRET), new TrustAnyone(),
        RaftTls.defaultProvider());

    shared = new TlsCluster(tmp);
    RaftPeer a = newPeer("s1");
    RaftPeer b = newPeer("s2");
    RaftPeer c = newPeer("s3");
    sharedGroup = shared.group(a, b, c);
    sharedNodes = List.of(shared.start(a, sharedGroup, good), shared.start(b, sharedGroup, good),
        shared.start(c, sharedGroup, good));
    sharedClient = shared.client(sharedGroup, good, PATIENT);
    awaitLeader(sharedNodes);
  }

  @AfterAll
  static void stopSharedCluster() {
    if (shared != null) {
      shared.close();
    }
  }

  @Test
  void threeServersWithTheSameSecretElectALeaderCommitAndServeReads() throws IOException {
    long before = read(sharedClient);

    for (int i = 1; i <= 5; i++) {
      RaftClientReply reply = sharedClient.io().send(CounterStateMachine.INCREMENT);
      assertThat(reply.isSuccess()).isTrue();
      assertThat(CounterStateMachine.parse(reply.getMessage())).isEqualTo(before + i);
    }

    assertThat(read(sharedClient)).isEqualTo(before + 5);
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(sharedNodes).allSatisfy(n -> assertThat(n.value()).isEqualTo(before + 5)));
  }

  @Test
  void aClientOnTheJdkTlsProviderInteroperatesWithServersOnTheDefaultOne() throws IOException {
    RaftTls jdk = RaftTls.from(ClusterIdentity.derive(SECRET), SslProvider.JDK);
    RaftClient client = shared.client(sharedGroup, jdk, PATIENT);
    long before = read(sharedClient);

    assertThat(client.io().send(CounterStateMachine.INCREMENT).isSuccess()).isTrue();
    assertThat(read(client)).isEqualTo(before + 1);
  }

  @Test
  void aClientWithAWrongSecretCanNeitherWriteNorReadNorReconfigureAndDoesNotHang() {
    RaftClient intruder = shared.client(sharedGroup, wrong, FAIL_FAST);
    assertRefused(intruder, CertificateException.class); // its own pin refuses the servers
  }

  @Test
  void aClientThatSkipsItsOwnCheckIsStillRefusedByTheServersForItsWrongKey() {
    RaftClient intruder = shared.client(sharedGroup, rogue, FAIL_FAST);
    assertRefused(intruder, SSLException.class); // the servers' alert
  }

  @Test
  void aPlaintextClientIsRefused() {
    RaftClient intruder = shared.client(sharedGroup, null, FAIL_FAST);
    assertRefused(intruder, StatusRuntimeException.class); // UNAVAILABLE: the server hangs up
  }

  /** The intruder's calls all fail, for the given reason, within a bounded time; none lands. */
  private static void assertRefused(RaftClient intruder, Class<? extends Throwable> because) {
    long before = settled();

    assertTimeoutPreemptively(DEADLINE, () -> {
      assertThatThrownBy(() -> intruder.io().send(CounterStateMachine.INCREMENT))
          .isInstanceOf(IOException.class).satisfies(e -> assertCausedBy(e, because));
      assertThatThrownBy(() -> intruder.io().sendReadOnly(CounterStateMachine.INCREMENT))
          .isInstanceOf(IOException.class).satisfies(e -> assertCausedBy(e, because));
      assertThatThrownBy(() -> intruder.admin().setConfiguration(
          List.of(sharedGroup.getPeers().iterator().next()), List.of()))
          .isInstanceOf(IOException.class).satisfies(e -> assertCausedBy(e, because));
    });

    // The cluster is intact and still takes work from a member; nothing of the intruder's landed.
    assertThat(leader(sharedNodes).division().getRaftConf().getCurrentPeers()).hasSize(3);
    assertThat(values(sharedNodes)).containsOnly(before);
    long after = assertDoesWrite(sharedClient);
    assertThat(after).isEqualTo(before + 1);
  }

  @Test
  void aServerWithTheRightSecretAddedToTheGroupCatchesUp() throws Exception {
    try (TlsCluster c = new TlsCluster(tmp)) {
      List<RaftPeer> three = List.of(newPeer("a"), newPeer("b"), newPeer("c"));
      List<Node> nodes = startAll(c, three, good);
      RaftClient client = c.client(c.group(three.toArray(RaftPeer[]::new)), good, PATIENT);
      writeTimes(client, 2);

      RaftPeer fourth = newPeer("d");
      Node joiner = c.start(fourth, RaftGroup.valueOf(c.groupId), good);
      RaftClientReply reply = reconfigure(c, three, fourth).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      writeTimes(client, 3);

      assertThat(reply.isSuccess()).isTrue();
      assertThat(leader(nodes).division().getRaftConf().getCurrentPeers()).hasSize(4);
      await().atMost(DEADLINE).until(() -> joiner.value() == 5);
    }
  }

  @Test
  void aServerWithAWrongSecretAddedToTheGroupNeverCatchesUpWhileTheOthersCommit()
      throws Exception {
    try (TlsCluster c = new TlsCluster(tmp)) {
      List<RaftPeer> three = List.of(newPeer("a"), newPeer("b"), newPeer("c"));
      List<Node> nodes = startAll(c, three, good);
      RaftClient client = c.client(c.group(three.toArray(RaftPeer[]::new)), good, PATIENT);
      writeTimes(client, 2);

      RaftPeer fourth = newPeer("d");
      Node intruder = c.start(fourth, RaftGroup.valueOf(c.groupId), wrong);
      CompletableFuture<RaftClientReply> reconfiguration = reconfigure(c, three, fourth);
      writeTimes(client, 3); // the members keep committing while the leader stages the newcomer

      // Ratis gives up staging a peer that makes no progress (3 x the max election timeout).
      RaftClientReply reply = null;
      try {
        reply = reconfiguration.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException refused) {
        assertThat(refused.getCause()).isInstanceOf(IOException.class);
      }
      assertThat(reply == null || !reply.isSuccess()).as("reconfiguration refused").isTrue();
      assertThat(leader(nodes).division().getRaftConf().getCurrentPeers()).hasSize(3);

      writeTimes(client, 3);
      await().atMost(DEADLINE).until(() -> values(nodes).stream().allMatch(v -> v == 8));
      await().during(WATCH).atMost(WATCH.multipliedBy(2)).until(() ->
          intruder.value() == 0 && intruder.logIsEmpty() && !intruder.isLeader());
    }
  }

  @ParameterizedTest(name = "odd member: {0}")
  @ValueSource(strings = {"wrong secret", "plaintext"})
  void aMemberWithoutTheSecretFromTheStartCanNeitherWinAnElectionNorReceiveEntries(String kind)
      throws Exception {
    try (TlsCluster c = new TlsCluster(tmp)) {
      RaftPeer a = newPeer("a");
      RaftPeer b = newPeer("b");
      RaftPeer odd = newPeer("odd");
      RaftGroup group = c.group(a, b, odd);
      Node oddNode = c.start(odd, group, kind.equals("plaintext") ? null : wrong);
      List<Node> members = List.of(c.start(a, group, good), c.start(b, group, good));
      RaftClient client = c.client(RaftGroup.valueOf(c.groupId, a, b), good, PATIENT);

      awaitLeader(members);
      writeTimes(client, 3);

      await().atMost(DEADLINE).until(() -> values(members).stream().allMatch(v -> v == 3));
      await().during(WATCH).atMost(WATCH.multipliedBy(2)).until(() ->
          oddNode.value() == 0 && oddNode.logIsEmpty() && !oddNode.isLeader());
      assertThat(members).anyMatch(Node::isLeader);
    }
  }

  @Test
  void aClientWithTheRightSecretRefusesAServerThatAcceptsAnyone() throws Exception {
    try (TlsCluster c = new TlsCluster(tmp)) {
      RaftPeer p = newPeer("impostor");
      RaftGroup group = c.group(p);
      Node impostor = c.start(p, group, rogue);
      awaitLeader(List.of(impostor));

      // Control: the impostor works, for a client holding its (wrong) key.
      assertThat(c.client(group, rogue, PATIENT).io().send(CounterStateMachine.INCREMENT)
          .isSuccess()).isTrue();

      RaftClient honest = c.client(group, good, FAIL_FAST);
      assertTimeoutPreemptively(DEADLINE, () ->
          assertThatThrownBy(() -> honest.io().send(CounterStateMachine.INCREMENT))
              .isInstanceOf(IOException.class)
              .satisfies(e -> assertCausedBy(e, CertificateException.class)));
      assertThat(impostor.value()).isEqualTo(1);
    }
  }

  // --- helpers ---

  private static List<Node> startAll(TlsCluster c, List<RaftPeer> peers, RaftTls tls)
      throws IOException {
    RaftGroup group = c.group(peers.toArray(RaftPeer[]::new));
    List<Node> nodes = new java.util.ArrayList<>();
    for (RaftPeer p : peers) {
      nodes.add(c.start(p, group, tls));
    }
    awaitLeader(nodes);
    return nodes;
  }

  private static CompletableFuture<RaftClientReply> reconfigure(TlsCluster c, List<RaftPeer> three,
      RaftPeer fourth) {
    RaftClient admin = c.client(c.group(three.toArray(RaftPeer[]::new)), good,
        RetryPolicies.noRetry());
    List<RaftPeer> four = new java.util.ArrayList<>(three);
    four.add(fourth);
    return CompletableFuture.supplyAsync(() -> {
      try {
        // The List overload: the array one with two arguments loses the server list.
        return admin.admin().setConfiguration(four, List.of());
      } catch (IOException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
  }

  private static void writeTimes(RaftClient client, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      assertThat(client.io().send(CounterStateMachine.INCREMENT).isSuccess()).isTrue();
    }
  }

  private static long assertDoesWrite(RaftClient client) {
    try {
      RaftClientReply reply = client.io().send(CounterStateMachine.INCREMENT);
      assertThat(reply.isSuccess()).isTrue();
      return CounterStateMachine.parse(reply.getMessage());
    } catch (IOException e) {
      throw new AssertionError("a member with the right secret could not write", e);
    }
  }

  private static long read(RaftClient client) throws IOException {
    return CounterStateMachine.parse(client.io().sendReadOnly(CounterStateMachine.INCREMENT)
        .getMessage());
  }

  private static void assertCausedBy(Throwable e, Class<? extends Throwable> because) {
    List<Throwable> chain = new java.util.ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    assertThat(chain).as("causes of %s", e).hasAtLeastOneElementOfType(because);
  }

  private static void awaitLeader(List<Node> nodes) {
    await().atMost(DEADLINE).until(() -> nodes.stream().anyMatch(Node::isLeader));
  }

  private static Node leader(List<Node> nodes) {
    return nodes.stream().filter(Node::isLeader).findFirst()
        .orElseThrow(() -> new AssertionError("no leader"));
  }

  /** Waits until the shared members agree on the counter, and returns it. */
  private static long settled() {
    try {
      long value = read(sharedClient);
      await().atMost(DEADLINE).until(() -> values(sharedNodes).stream().allMatch(v -> v == value));
      return value;
    } catch (IOException e) {
      throw new AssertionError("the shared cluster does not answer", e);
    }
  }

  private static List<Long> values(List<Node> nodes) {
    return nodes.stream().map(Node::value).toList();
  }

  /** A trust manager with its checks (certificate and host name) removed: a peer that accepts anyone. */
  static final class TrustAnyone extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
