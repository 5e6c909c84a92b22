package io.mvmci.api;

import io.mvmci.config.NodeConfig;
import io.mvmci.deploy.ModuleDeployer;
import io.mvmci.workflow.InvalidModuleException;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.WorkflowModule;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Workflow modules: list them (public), deploy one cluster-wide (POST the .wasm; {@code secret_api}),
 * and download one by hash (workers).
 */
@RestController
@RequestMapping("/api/v1/modules")
class ModulesController {
  static final MediaType WASM = MediaType.parseMediaType("application/wasm");

  private final ModuleRegistry registry;
  private final ModuleDeployer deployer;
  private final int maxModuleBytes;

  ModulesController(ModuleRegistry registry, ModuleDeployer deployer, NodeConfig config) {
    this.registry = registry;
    this.deployer = deployer;
    this.maxModuleBytes = config.api().maxModuleBytes();
  }

  record ModuleView(String name, String sha256, int sizeBytes, boolean latest) {
    static ModuleView of(WorkflowModule m, ModuleRegistry r) {
      boolean latest = r.latest(m.name()).map(l -> l.sha256().equals(m.sha256())).orElse(false);
      return new ModuleView(m.name(), m.sha256(), m.sizeBytes(), latest);
    }
  }

  @GetMapping
  List<ModuleView> list() {
    return registry.list().stream().map(m -> ModuleView.of(m, registry)).toList();
  }

  /** Deploys the request body (the module's bytes) as the latest version of {@code name}. */
  @PostMapping("/{name}")
  ResponseEntity<ModuleView> deploy(@PathVariable String name, HttpServletRequest request) throws IOException {
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
    WorkflowModule m;
    try {
      m = deployer.deploy(name, wasm);
    } catch (InvalidModuleException e) {
      throw new BadRequestException("module", e.getMessage());
    }
    return ResponseEntity.created(URI.create("/api/v1/modules/" + name + "/" + m.sha256()))
        .body(ModuleView.of(m, registry));
  }

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
