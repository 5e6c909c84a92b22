package io.mvmci.api;

import io.mvmci.artifact.ArtifactException;
import io.mvmci.artifact.ArtifactService;
import io.mvmci.job.Job;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.store.ArtifactQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Artifacts over HTTP (artifact/DESIGN.md): a job's list and each artifact's bytes from any node, with
 * {@code Range} (Spring answers a {@link Resource} body with 206 and {@code Content-Range} itself; an
 * {@link ArtifactResource} reads only the range, from a blob file or S3);
 * uploads from remote workers over their endpoint, streamed to disk rather than buffered; and the
 * node-to-node blob fetch, for a node that was down while an artifact was stored.
 */
@RestController
class ArtifactsController {
  private final JobService jobs;
  private final ArtifactService artifacts;

  ArtifactsController(JobService jobs, ArtifactService artifacts) {
    this.jobs = jobs;
    this.artifacts = artifacts;
  }

  record ArtifactView(String name, long size, String sha256, String holders, long createdAt, String url) {
    static ArtifactView of(ArtifactQueries.Row r) {
      return new ArtifactView(r.name(), r.size(), r.sha256(), r.holders(), r.createdAt(),
          "/api/v1/jobs/" + io.mvmci.job.JobId.format(r.jobSeq()) + "/artifacts/"
              + URLEncoder.encode(r.name(), StandardCharsets.UTF_8).replace("+", "%20"));
    }
  }

  record ArtifactList(String jobId, List<ArtifactView> artifacts) {}

  record Stored(String jobId, String name, long size, String sha256, String holders) {}

  /** A job's artifacts, by name. */
  @GetMapping("/api/v1/jobs/{id}/artifacts")
  ArtifactList list(@PathVariable String id, @RequestParam(required = false) String consistency) {
    Job job = jobs.get(id, ReadParams.consistency(consistency));
    return new ArtifactList(job.id(), jobs.read(Consistency.LOCAL, q -> q.artifacts().list(job.seq()))
        .stream().map(ArtifactView::of).toList());
  }

  /** An artifact's bytes; {@code Range: bytes=...} gets 206 with those bytes. */
  @GetMapping("/api/v1/jobs/{id}/artifacts/{name}")
  ResponseEntity<Resource> download(@PathVariable String id, @PathVariable String name,
      @RequestParam(required = false) String consistency) throws IOException {
    Job job = jobs.get(id, ReadParams.consistency(consistency));
    ArtifactQueries.Row row = jobs.read(Consistency.LOCAL, q -> q.artifacts().get(job.seq(), name))
        .orElseThrow(() -> new ArtifactException(404, job.id() + " has no artifact " + name));
    artifacts.ready(row);
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .eTag("\"" + row.sha256() + "\"")
        .header(HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString())
        .header("Digest", "sha-256=" + java.util.Base64.getEncoder().encodeToString(
            java.util.HexFormat.of().parseHex(row.sha256())))
        .body(new ArtifactResource(artifacts, row));
  }

  /** A remote worker stores an artifact of a job: the body is the bytes (any length up to the cap). */
  @PutMapping("/api/v1/workers/jobs/{id}/artifacts/{name}")
  ResponseEntity<Stored> upload(@PathVariable String id, @PathVariable String name, HttpServletRequest request)
      throws IOException {
    // What the request itself says first (a name, a declared length over the cap: refused before a
    // byte is read); then the job, read linearizably: a job just submitted through another node may
    // not have reached this one's database yet.
    try {
      ArtifactService.checkName(name);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("name", e.getMessage());
    }
    long declared = request.getContentLengthLong();
    if (declared > artifacts.limits().maxArtifactBytes()) {
      throw new io.mvmci.artifact.ArtifactTooLargeException("the artifact (" + declared
          + " bytes) is larger than artifacts.max_artifact_bytes = " + artifacts.limits().maxArtifactBytes());
    }
    Job job = jobs.get(id, Consistency.LINEARIZABLE);
    ArtifactService.Stored s = artifacts.store(job.seq(), name, request.getInputStream());
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new Stored(job.id(), s.name(), s.size(), s.sha256(), s.holders()));
  }

  /** A blob this node holds, for a peer (secret_api only). 404 if this node has none. */
  @GetMapping("/api/v1/admin/blobs/{sha256}")
  ResponseEntity<Resource> blob(@PathVariable String sha256) {
    return artifacts.localBlob(sha256)
        .<ResponseEntity<Resource>>map(p -> ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
            .body(new FileSystemResource(p)))
        .orElseThrow(() -> new ArtifactException(404, "this node has no blob " + sha256));
  }
}
