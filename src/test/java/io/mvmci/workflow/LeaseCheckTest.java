package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mvmci.testing.CountingServer;
import io.mvmci.workflow.ExternalHistoryTest.MemoryHistory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a run whose lease is not known to hold sends no {@code http_request}. The check is asked
 * once the connection is made, right before the request is written ({@link SendGate}); a refusal
 * stops the run as {@code CLAIM_LOST} with the request's start recorded and no result, so the claim's
 * next holder applies the in-flight rule. Real HTTP servers, the real engine.
 */
class LeaseCheckTest {
  @TempDir Path dir;
  final CountingServer server = new CountingServer();
  final HttpBridge bridge = new HttpBridge(EngineTestSupport.EGRESS);
  WorkflowEngine engine;

  @BeforeEach
  void start() throws Exception {
    ModuleRegistry modules = new ModuleRegistry();
    modules.deploy("versioned-v1", Files.readAllBytes(Path.of("workflows/hostile/versioned-v1.wasm")));
    engine = new WorkflowEngine(EngineConfig.defaults(dir), modules, updates -> {}, EngineTestSupport.EGRESS);
  }

  @AfterEach
  void stop() {
    engine.close();
    bridge.close();
    server.close();
  }

  @Test
  void theGateIsAskedOnceConnectedAndAClosedOneWritesNothing() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      CountDownLatch accepted = new CountDownLatch(1);
      CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> {
        int bytes = 0;
        try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
          accepted.countDown();
          while (in.read() >= 0) { // until the client closes (or resets) the connection
            bytes++;
          }
        } catch (java.io.IOException e) {
          // reset: the client discarded the connection
        }
        return bytes;
      });
      AtomicInteger asked = new AtomicInteger();
      AtomicBoolean connectedWhenAsked = new AtomicBoolean();
      HttpBridge.Parsed post = HttpBridge.parse(EngineTestSupport.utf8("{\"url\":\"http://127.0.0.1:"
          + listener.getLocalPort() + "/charge\",\"method\":\"POST\",\"body\":\"once\"}"));

      assertThatThrownBy(() -> bridge.send(post, () -> {
        asked.incrementAndGet();
        try {
          connectedWhenAsked.set(accepted.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return false;
      })).isInstanceOf(RunAbort.ClaimLost.class).hasMessageContaining("not sent");

      assertThat(asked).as("asked once").hasValue(1);
      assertThat(connectedWhenAsked).as("asked after the connection was made, not before").isTrue();
      assertThat(received.get(10, TimeUnit.SECONDS)).as("the connection was dropped with nothing written").isZero();
    }
  }

  @Test
  void anOpenGateSendsAndAClosedOneDoesNot() throws Exception {
    HttpBridge.Parsed open = HttpBridge.parse(EngineTestSupport.utf8("{\"url\":\"" + server.url("/open") + "\"}"));
    HttpBridge.Parsed closed = HttpBridge.parse(EngineTestSupport.utf8("{\"url\":\"" + server.url("/closed")
        + "\",\"method\":\"POST\"}"));
    assertThat(bridge.send(open, () -> true).code()).isPositive();
    assertThatThrownBy(() -> bridge.send(closed, () -> false)).isInstanceOf(RunAbort.ClaimLost.class);
    assertThat(bridge.send(open, SendGate.OPEN).code()).as("the refused connection left the pool sound").isPositive();
    assertThat(server.hits("/open")).isEqualTo(2);
    assertThat(server.hits("/closed")).isZero();
  }

  @Test
  void aRunWhoseLeaseLapsedStopsAsClaimLostAndItsNextHolderFindsTheRequestInFlight() throws Exception {
    String input = "{\"url\":\"" + server.url("/post") + "\",\"method\":\"POST\"}";
    MemoryHistory history = new MemoryHistory();
    Lease lease = new Lease(false);

    RunOutcome stale = run(input, history, lease);

    assertThat(stale).isInstanceOf(RunOutcome.Failed.class);
    assertThat(((RunOutcome.Failed) stale).kind()).isEqualTo(FailureKind.CLAIM_LOST);
    assertThat(((RunOutcome.Failed) stale).reason()).contains("not sent");
    assertThat(lease.asked).as("asked once, for the one request").hasValue(1);
    assertThat(server.hits("/post")).as("a run past its lease sends nothing").isZero();
    assertThat(history.steps).extracting(HistoryStep::kind).containsExactly("log", "http_request");
    assertThat(history.steps.get(1).done()).as("started, with no result: the in-flight rule applies").isFalse();

    MemoryHistory taken = history.copy();
    run(input, taken, new Lease(true)); // this guest then traps on the error code: not what is tested here
    assertThat(taken.steps.get(1).done()).isTrue();
    assertThat(taken.steps.get(1).code()).as("the next attempt does not send it either")
        .isEqualTo(HttpBridge.INTERRUPTED);
    assertThat(server.hits("/post")).isZero();
  }

  @Test
  void aRunWhoseLeaseHoldsSends() throws Exception {
    Lease lease = new Lease(true);
    RunOutcome done = run("{\"url\":\"" + server.url("/live") + "\",\"method\":\"POST\"}", new MemoryHistory(), lease);
    assertThat(done).isInstanceOf(RunOutcome.Succeeded.class);
    assertThat(lease.asked).hasValue(1);
    assertThat(server.hits("/live")).isEqualTo(1);
  }

  @Test
  void aRunWithoutAWorkerHasNoLeaseToCheck() throws Exception {
    RunOutcome done = EngineTestSupport.outcomeOf(engine.start(RunSpec.of("alone", ModuleRef.latest("versioned-v1"),
        EngineTestSupport.utf8("{\"url\":\"" + server.url("/alone") + "\",\"method\":\"POST\"}"))));
    assertThat(done).isInstanceOf(RunOutcome.Succeeded.class);
    assertThat(server.hits("/alone")).isEqualTo(1);
  }

  private RunOutcome run(String input, MemoryHistory history, Lease lease) throws Exception {
    RunSpec spec = RunSpec.of("job-1/1", ModuleRef.latest("versioned-v1"), input.getBytes(StandardCharsets.UTF_8))
        .withHistory(history).withServices(lease);
    return engine.start(spec).outcome().get(30, TimeUnit.SECONDS);
  }

  /** A cluster whose answer on the lease is fixed; counts how often it is asked. */
  static final class Lease extends QuietServices {
    final boolean holds;
    final AtomicInteger asked = new AtomicInteger();

    Lease(boolean holds) {
      this.holds = holds;
    }

    @Override
    public boolean leaseHolds() {
      asked.incrementAndGet();
      return holds;
    }
  }
}
