package io.mvmci;

import io.mvmci.artifact.ArtifactService;
import io.mvmci.artifact.BlobStore;
import io.mvmci.artifact.S3Store;
import io.mvmci.config.Member;
import io.mvmci.config.NodeConfig;
import io.mvmci.replication.RaftNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The node's artifacts: its blob directory, the service, peers' blobs over HTTP, the blob sweep. */
@Configuration(proxyBeanMethods = false)
class ArtifactWiring {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactWiring.class);
  /** How often each node deletes the blobs that no artifact refers to any more. */
  static final long SWEEP_MINUTES = 10;

  @Bean(destroyMethod = "close")
  ArtifactService artifactService(NodeConfig config, RaftNode node, Clock clock) throws IOException {
    BlobStore blobs = new BlobStore(config.dataDir().resolve("artifacts"));
    java.util.Optional<S3Store> s3 = config.artifacts().s3()
        ? java.util.Optional.of(S3Store.create(node, config.artifacts()))
        : java.util.Optional.empty();
    return new ArtifactService(node, blobs, config.artifacts(), clock, peerBlobs(config), s3);
  }

  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService artifactSweep(ArtifactService artifacts) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "artifact-sweep");
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(() -> {
      try {
        int n = artifacts.sweep(ArtifactService.SWEEP_GRACE_MS);
        if (n > 0) {
          LOG.info("deleted {} blobs (on this node or in S3) no artifact refers to", n);
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("blob sweep failed: {}", e.getMessage());
      }
    }, SWEEP_MINUTES, SWEEP_MINUTES, TimeUnit.MINUTES);
    return s;
  }

  /**
   * Stores artifacts for this node's runs (ABI v4): refusals are answers, and so is an S3 store that did
   * not take the bytes (502: the guest reads why); an unreachable majority is retried.
   */
  static io.mvmci.worker.node.NodeArtifacts forRuns(ArtifactService artifacts, tools.jackson.databind.ObjectMapper json) {
    return (seq, name, file, size, sha256) -> {
      try {
        ArtifactService.Stored s = artifacts.store(seq, name, new io.mvmci.artifact.BlobStore.Spooled(file, size, sha256));
        return io.mvmci.workflow.RunServices.Answer.of(0, json.writeValueAsBytes(s));
      } catch (io.mvmci.artifact.ArtifactTooLargeException | IllegalArgumentException e) {
        return refused(e.getMessage());
      } catch (io.mvmci.artifact.ArtifactException e) {
        if (e.status() == 503) {
          throw new io.mvmci.worker.WorkException(e.getMessage());
        }
        return refused(e.getMessage());
      } catch (IOException e) {
        throw new io.mvmci.worker.WorkException("storing artifact " + name + ": " + e.getMessage());
      }
    };
  }

  private static io.mvmci.workflow.RunServices.Answer refused(String why) {
    return io.mvmci.workflow.RunServices.Answer.of(1, String.valueOf(why).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A peer's blob over its admin endpoint, with {@code secret_api}. */
  private static ArtifactService.PeerBlobs peerBlobs(NodeConfig config) throws IOException {
    String secret = NodeSecrets.api(config);
    Map<Integer, String> http = config.members().stream()
        .collect(Collectors.toMap(Member::id, m -> m.http().toString()));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return (id, sha256) -> {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + http.get(id) + "/api/v1/admin/blobs/" + sha256))
          .header("Authorization", "Bearer " + secret).GET().build();
      try {
        HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 200) {
          return r.body();
        }
        r.body().close();
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    };
  }
}
