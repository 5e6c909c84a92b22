package io.mvmci.worker;

import static io.mvmci.testing.Http.get;
import static io.mvmci.testing.Http.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http.Reply;
import io.mvmci.testing.TestNode;
import io.mvmci.workflow.EgressPolicy;
import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.PausingEngine;
import io.mvmci.workflow.WorkflowEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16 on a real node: a worker cut off from the queue, with its run stopped between an {@code
 * http_request}'s recorded start and its send (where a SIGSTOP caught the soak's worker), loses the
 * job to another worker; when it goes on, past its lease, it does not send the request. Two remote
 * workers in this JVM (real {@link RemoteTransport}s, real engines); the first one's transport is
 * wrapped to cut it off, and its engine to pause it.
 */
class LeaseCheckClusterTest {
  static final String SECRET = "test-api-secret-0123456789";
  static final EgressPolicy EGRESS = EgressPolicy.allowing(List.of("127.0.0.1/32"));
  /** The node's lease (TestNode: 2000 ms) and a heartbeat of a quarter of it. */
  static final WorkerSettings SETTINGS = new WorkerSettings(1, 2000, 500, 100, 1000, Duration.ofSeconds(1), 60_000);
  @TempDir Path dir;

  @Test
  void aWorkerPausedPastItsLeaseBetweenARequestsStartAndItsSendDoesNotSendIt() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    AtomicBoolean cut = new AtomicBoolean();
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    try (TestNode node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).start();
        CountingServer web = new CountingServer()) {
      List<URI> planes = List.of(URI.create(node.url("/")));
      String token = SECRET; // the node's secret_api: a worker's credential

      // compiled up front: a module fetched and compiled while claiming can take longer than the lease here
      ModuleRegistry modulesA = new ModuleRegistry();
      modulesA.loadBundled(getClass().getClassLoader());
      ProgressRelay relayA = new ProgressRelay();
      WorkflowEngine engineA = PausingEngine.pausingBeforeSends(EngineConfig.defaults(dir.resolve("a")), modulesA,
          relayA, EGRESS, reached, go, interrupted);
      WorkerAgent a = new WorkerAgent(SETTINGS, cutOff(new RemoteTransport(planes, token, "a", json, modulesA), cut),
          engineA, json);
      relayA.target(a::publish);

      ModuleRegistry modulesB = new ModuleRegistry();
      modulesB.loadBundled(getClass().getClassLoader());
      ProgressRelay relayB = new ProgressRelay();
      WorkflowEngine engineB = new WorkflowEngine(EngineConfig.defaults(dir.resolve("b")), modulesB, relayB, EGRESS);
      WorkerAgent b = new WorkerAgent(SETTINGS, new RemoteTransport(planes, token, "b", json, modulesB), engineB, json);
      relayB.target(b::publish);
      try {
        a.start();
        Reply submitted = post(node.url("/api/v1/jobs"), "application/json",
            "{\"url\":\"" + web.url("/page/late") + "\",\"max_attempts\":5}");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().get("job_id").asString();
        assertThat(reached.await(60, TimeUnit.SECONDS)).as("worker a recorded the request's start").isTrue();

        cut.set(true); // a hears nothing from now on, and its run waits before the send
        await().atMost(Duration.ofSeconds(20)).until(() -> status(node, id).equals("Pending"));
        b.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> status(node, id).equals("Completed"));
        JsonNode done = job(node, id);
        assertThat(done.get("worker_id").asString()).isEqualTo("b");
        assertThat(web.hits("/page/late")).as("attempt 2 sent it again (the crawler's GET is idempotent)")
            .isEqualTo(1);

        go.countDown(); // a goes on, long past its lease
        await().atMost(Duration.ofSeconds(60)).until(() -> a.running() == 0 || web.hits("/page/late") > 1);
        assertThat(web.hits("/page/late")).as("attempt 1 did not send its late copy").isEqualTo(1);
        assertThat(interrupted).as("the lease check stopped it: nothing interrupted its run").hasValue(0);
        JsonNode after = job(node, id);
        assertThat(after.get("status").asString()).isEqualTo("Completed");
        assertThat(after.get("finished_at").asString()).isEqualTo(done.get("finished_at").asString());
      } finally {
        go.countDown();
        b.close();
        a.close();
        engineA.close();
        engineB.close();
      }
    }
  }

  /**
   * Past its own bound, a worker whose claim is still current renews it and sends: here the regular
   * heartbeats fail (the worker counts its lease as 900 ms, the node holds it 10 s), the run waits
   * past the bound before its send, and the heartbeat sent from the run's HTTP thread renews it.
   */
  @Test
  void aRunPastItsBoundWhoseClaimIsCurrentRenewsItAndSends() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    AtomicBoolean beatsFail = new AtomicBoolean();
    AtomicInteger renewals = new AtomicInteger();
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    WorkerSettings settings = new WorkerSettings(1, 1000, 250, 100, 1000, Duration.ofSeconds(1), 60_000);
    try (TestNode node = TestNode.cluster(dir, 1, "\n[workers]\nembedded = 0\n").get(0).set("lease_ms", 10_000).start();
        CountingServer web = new CountingServer()) {
      ModuleRegistry modules = new ModuleRegistry();
      modules.loadBundled(getClass().getClassLoader());
      ProgressRelay relay = new ProgressRelay();
      WorkflowEngine engine = PausingEngine.pausingBeforeSends(EngineConfig.defaults(dir.resolve("a")), modules,
          relay, EGRESS, reached, go, interrupted);
      WorkTransport real = new RemoteTransport(List.of(URI.create(node.url("/"))), SECRET, "a", json, modules);
      WorkerAgent a = new WorkerAgent(settings, wrap(real, method -> {
        if (!method.getName().equals("heartbeat")) {
          return false;
        }
        boolean regular = Thread.currentThread().getName().startsWith("worker-heartbeat");
        if (!regular) {
          renewals.incrementAndGet();
        }
        return regular && beatsFail.get();
      }), engine, json);
      relay.target(a::publish);
      try {
        a.start();
        Reply submitted = post(node.url("/api/v1/jobs"), "application/json",
            "{\"url\":\"" + web.url("/page/renewed") + "\"}");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().get("job_id").asString();
        assertThat(reached.await(60, TimeUnit.SECONDS)).isTrue();
        beatsFail.set(true);
        Thread.sleep(1_500); // past the worker's bound (900 ms), well within the node's lease (10 s)
        go.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> status(node, id).equals("Completed"));
        assertThat(job(node, id).get("attempt").asInt()).as("the claim it renewed").isEqualTo(1);
        assertThat(web.hits("/page/renewed")).isEqualTo(1);
        assertThat(renewals.get()).as("heartbeats sent by the run's lease check").isPositive();
      } finally {
        go.countDown();
        a.close();
        engine.close();
      }
    }
  }

  /** {@code real}, but every call to the queue fails while {@code cut} is set (a partition). */
  static WorkTransport cutOff(WorkTransport real, AtomicBoolean cut) {
    Set<String> local = Set.of("workerId", "completesWithoutWaiting", "toString", "hashCode", "equals");
    return wrap(real, method -> cut.get() && !local.contains(method.getName()));
  }

  /** {@code real}, but a call for which {@code fails} answers true throws as an unreachable queue would. */
  static WorkTransport wrap(WorkTransport real, java.util.function.Predicate<java.lang.reflect.Method> fails) {
    return (WorkTransport) Proxy.newProxyInstance(WorkTransport.class.getClassLoader(),
        new Class<?>[] {WorkTransport.class}, (proxy, method, args) -> {
          if (fails.test(method)) {
            throw new WorkException("cut off from the queue (test)");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  static JsonNode job(TestNode node, String id) {
    return get(node.url("/api/v1/jobs/" + id)).json();
  }

  static String status(TestNode node, String id) {
    return job(node, id).get("status").asString();
  }
}
