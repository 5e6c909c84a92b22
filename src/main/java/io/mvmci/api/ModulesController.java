package io.mvmci.api;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.Operation;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.mvmci.config.NodeConfig;
import io.mvmci.deploy.ModuleDeployer;
import io.mvmci.deploy.Replays;
import io.mvmci.queue.Consistency;
import io.mvmci.queue.JobService;
import io.mvmci.store.ModuleQueries;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowModule;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Workflow modules: list the versions the replicated table holds, with their deploy times and the
 * unfinished jobs that use them (public); deploy one cluster-wide, optionally checked against the
 * histories of the runs in flight first; promote an earlier version back to latest; delete a version
 * nothing uses (those three need {@code secret_api}); and download one by hash (workers).
 */
@RestController
@RequestMapping("/api/v1/modules")
class ModulesController {
  static final MediaType WASM = MediaType.parseMediaType("application/wasm");

  private final ModuleRegistry registry;
  private final ModuleDeployer deployer;
  private final Replays replays;
  private final JobService jobs;
  private final int maxModuleBytes;

  ModulesController(ModuleRegistry registry, ModuleDeployer deployer, Replays replays, JobService jobs,
      NodeConfig config) {
    this.registry = registry;
    this.deployer = deployer;
    this.replays = replays;
    this.jobs = jobs;
    this.maxModuleBytes = config.api().maxModuleBytes();
  }

  /**
   * @param jobsRunning unfinished jobs whose current attempt runs this version
   * @param jobsPinned unfinished jobs pinned to it at submission
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ModuleView(String name, String sha256, long sizeBytes, boolean latest, String deployedAt,
      Long jobsRunning, Long jobsPinned) {}

  @GetMapping
  List<ModuleView> list(@RequestParam(required = false) String consistency) {
    Consistency c = ReadParams.consistency(consistency);
    List<ModuleQueries.ModuleVersion> versions = jobs.read(c, q -> q.modules().moduleVersions());
    ModuleQueries.ModuleUsage usage = jobs.read(Consistency.LOCAL, q -> q.modules().moduleUsage());
    Map<String, String> latest = new HashMap<>();
    versions.forEach(v -> latest.put(v.name(), v.sha256()));
    List<ModuleView> out = new ArrayList<>();
    versions.stream().sorted(java.util.Comparator.comparing(ModuleQueries.ModuleVersion::name)).forEach(v ->
        out.add(new ModuleView(v.name(), v.sha256(), v.sizeBytes(), v.sha256().equals(latest.get(v.name())),
            JobView.time(v.deployedAt()), usage.running().getOrDefault(v.sha256(), 0L),
            usage.pinned().getOrDefault(v.sha256(), 0L))));
    return out;
  }

  /** The in-flight check of a deploy: every unfinished run with history, replayed against the new version. */
  record Check(int checked, int diverging, List<Replayed> runs) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Replayed(String jobId, int execution, boolean deterministic, String divergence, String ending) {
    static Replayed of(Replays.JobReplay r) {
      return new Replayed(r.jobId(), r.execution(), r.report().deterministic(), r.report().divergence(),
          r.report().ending());
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Deployed(String name, String sha256, long sizeBytes, boolean latest, Check check) {}

  /**
   * Deploys the request body (the module's bytes) as the latest version of {@code name}. With
   * {@code check=in-flight}, every unfinished run of that workflow with history is first replayed
   * against the new version: if any would diverge, nothing is deployed and the answer (409) says which
   * and where; with {@code dry_run=true} the check is all that happens.
   */
  @Operation(summary = "Deploy a module version cluster-wide", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
      mediaType = "application/wasm", schema = @Schema(type = "string", format = "binary"))))
  @ApiResponse(responseCode = "201", description = "Deployed: the latest version of its name",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = Deployed.class)))
  @ApiResponse(responseCode = "200", description = "dry_run=true: the in-flight check alone",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = Deployed.class)))
  @ApiResponse(responseCode = "409", description = "check=in-flight: a run in flight would diverge; nothing deployed",
      content = @Content(mediaType = "application/json", schema = @Schema(implementation = Deployed.class)))
  @PostMapping("/{name}")
  ResponseEntity<?> deploy(@PathVariable String name, HttpServletRequest request) throws IOException {
    // The body first, then the query: a client that sends the bytes with a form content type (curl
    // --data-binary does) would otherwise have the servlet container parse the module as form
    // parameters (a 500). Once the body is read, getParameter reads the query string alone.
    byte[] wasm = body(request);
    String check = request.getParameter("check");
    String dryRun = request.getParameter("dry_run");
    if (check != null && !check.equals("in-flight")) {
      throw new BadRequestException("check", "check must be \"in-flight\", not \"" + check + "\"");
    }
    boolean dry = HistoryController.flag("dry_run", dryRun);
    if (dry && check == null) {
      throw new BadRequestException("dry_run", "dry_run needs check=in-flight");
    }
    try {
      Check report = null;
      if (check != null) {
        WorkflowModule candidate = deployer.check(name, wasm);
        jobs.barrier(Consistency.LINEARIZABLE);
        List<Replayed> runs = replays.checkInFlight(candidate).stream().map(Replayed::of).toList();
        report = new Check(runs.size(), (int) runs.stream().filter(r -> !r.deterministic()).count(), runs);
        if (dry || report.diverging() > 0) {
          return ResponseEntity.status(dry ? HttpStatus.OK : HttpStatus.CONFLICT)
              .body(new Deployed(name, candidate.sha256(), candidate.sizeBytes(), false, report));
        }
      }
      WorkflowModule m = deployer.deploy(name, wasm);
      return ResponseEntity.created(URI.create("/api/v1/modules/" + name + "/" + m.sha256()))
          .body(new Deployed(name, m.sha256(), m.sizeBytes(), true, report));
    } catch (InvalidModuleException e) {
      throw new BadRequestException("module", e.getMessage());
    }
  }

  private byte[] body(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > maxModuleBytes) {
      throw new PayloadTooLargeException(maxModuleBytes);
    }
    byte[] wasm;
    try (InputStream in = request.getInputStream()) {
      wasm = in.readNBytes(maxModuleBytes + 1);
    }
    if (wasm.length > maxModuleBytes) {
      throw new PayloadTooLargeException(maxModuleBytes);
    }
    return wasm;
  }

  /** Makes a stored version the latest of its name again: a rollback. */
  @ApiResponse(responseCode = "204", description = "Promoted: the latest version of its name again")
  @PostMapping("/{name}/{sha256}/promote")
  ResponseEntity<Void> promote(@PathVariable String name, @PathVariable String sha256) {
    try {
      deployer.promote(name, sha256);
    } catch (InvalidModuleException e) {
      throw new ModuleNotFoundException(name + " " + sha256);
    }
    return ResponseEntity.noContent().build();
  }

  /** Deletes a version no unfinished job uses (409 for the latest, or one in use). */
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DeleteMapping("/{name}/{sha256}")
  ResponseEntity<Void> delete(@PathVariable String name, @PathVariable String sha256) {
    try {
      deployer.delete(name, sha256);
    } catch (InvalidModuleException e) {
      throw new ModuleNotFoundException(name + " " + sha256);
    }
    return ResponseEntity.noContent().build();
  }

  @ApiResponse(responseCode = "200", description = "The module's bytes",
      content = @Content(mediaType = "application/wasm", schema = @Schema(type = "string", format = "binary")))
  @GetMapping("/{name}/{sha256}")
  ResponseEntity<byte[]> download(@PathVariable String name, @PathVariable String sha256) {
    WorkflowModule m = registry.find(name, sha256)
        .orElseThrow(() -> new ModuleNotFoundException(name + " " + sha256));
    return ResponseEntity.ok().contentType(WASM).header("X-Module-Sha256", m.sha256()).body(m.wasm());
  }

  static final class ModuleNotFoundException extends RuntimeException {
    ModuleNotFoundException(String what) {
      super("no module " + what);
    }
  }
}
