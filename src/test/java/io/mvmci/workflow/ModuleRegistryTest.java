package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModuleRegistryTest {
  private final ModuleRegistry registry = new ModuleRegistry();
  @TempDir Path dir;

  @Test
  void deployIsIdempotentAndTheLastDeployIsTheLatest() throws Exception {
    WorkflowModule hello = registry.deploy("wf", EngineTestSupport.guest("hello"));
    WorkflowModule trap = registry.deploy("wf", EngineTestSupport.guest("trap"));
    assertThat(registry.deploy("wf", EngineTestSupport.guest("trap"))).isSameAs(trap);
    assertThat(registry.latest("wf")).containsSame(trap);

    assertThat(registry.deploy("wf", EngineTestSupport.guest("hello"))).isSameAs(hello);
    assertThat(registry.latest("wf")).containsSame(hello);
    assertThat(registry.find("wf", trap.sha256())).containsSame(trap);
    assertThat(registry.resolve(ModuleRef.latest("wf"))).containsSame(hello);
    assertThat(registry.resolve(trap.ref())).containsSame(trap);
    assertThat(registry.list()).containsExactly(hello, trap);
  }

  @Test
  void theSameBytesUnderTwoNamesAreCompiledOnce() throws Exception {
    WorkflowModule a = registry.deploy("a", EngineTestSupport.guest("hello"));
    WorkflowModule b = registry.deploy("b", EngineTestSupport.guest("hello"));
    assertThat(a.code()).isSameAs(b.code());
    assertThat(a.sha256()).isEqualTo(b.sha256()).hasSize(64);
    assertThat(a.usesInterpreter()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not-wasm      | not a valid WebAssembly module: ",
      "no-abi        | unsupported ABI: module does not export mvmci_abi_v1",
      "bad-import    | import env.abort is not allowed: workflows import only from module \"mvmci\"",
      "bad-signature | import mvmci.now_ms has type () -> i32 but ABI version 1 defines () -> i64"})
  void invalidModulesAreRefusedWithAReadableReason(String guest, String reason) {
    assertThatThrownBy(() -> registry.deploy(guest, EngineTestSupport.guest(guest)))
        .isInstanceOf(InvalidModuleException.class).hasMessageStartingWith(reason.strip());
    assertThat(registry.latest(guest)).isEmpty();
  }

  @Test
  void truncatedModuleIsRefused() throws Exception {
    byte[] hello = EngineTestSupport.guest("hello");
    assertThatThrownBy(() -> registry.deploy("cut", java.util.Arrays.copyOf(hello, hello.length / 2)))
        .isInstanceOf(InvalidModuleException.class).hasMessageStartingWith("not a valid WebAssembly module");
  }

  @Test
  void malformedNamesAreRefused() {
    assertThatThrownBy(() -> registry.deploy("../etc", EngineTestSupport.guest("hello")))
        .isInstanceOf(InvalidModuleException.class).hasMessageContaining("invalid module name");
  }

  @Test
  void loadsModulesFromAFolderAndNamesTheFileOfARefusedOne() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.write(dir.resolve("a/hello.wasm"), EngineTestSupport.guest("hello"));
    Files.write(dir.resolve("a/b/trap.wasm"), EngineTestSupport.guest("trap"));
    assertThat(registry.loadDirectory(dir)).extracting(WorkflowModule::name).containsExactlyInAnyOrder("hello", "trap");

    Files.write(dir.resolve("a/b/no-abi.wasm"), EngineTestSupport.guest("no-abi"));
    assertThatThrownBy(() -> registry.loadDirectory(dir)).isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("no-abi.wasm: unsupported ABI");
    assertThat(registry.loadDirectory(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void twoDifferentFilesWithTheSameNameAreRefused() throws Exception {
    Files.createDirectories(dir.resolve("x"));
    Files.write(dir.resolve("hello.wasm"), EngineTestSupport.guest("hello"));
    Files.write(dir.resolve("x/hello.wasm"), EngineTestSupport.guest("trap"));
    assertThatThrownBy(() -> registry.loadDirectory(dir))
        .hasMessageContaining("two different modules are named hello");
  }

  @Test
  void theSameModuleFoundTwiceIsOneModule() throws Exception {
    Files.createDirectories(dir.resolve("x"));
    Files.write(dir.resolve("hello.wasm"), EngineTestSupport.guest("hello"));
    Files.write(dir.resolve("x/hello.wasm"), EngineTestSupport.guest("hello"));
    assertThat(registry.loadDirectory(dir)).extracting(WorkflowModule::name).containsExactly("hello");
  }

  @Test
  void loadsBundledModulesFromClassFoldersAndJars() throws Exception {
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes.resolve("workflows/crawler"));
    Files.write(classes.resolve("workflows/crawler/crawler.wasm"), EngineTestSupport.guest("hello"));
    Path jar = dir.resolve("app.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry("workflows/"));
      j.putNextEntry(new JarEntry("workflows/other.wasm"));
      j.write(EngineTestSupport.guest("trap"));
      j.putNextEntry(new JarEntry("elsewhere/ignored.wasm"));
      j.write(EngineTestSupport.guest("trap"));
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL(), jar.toUri().toURL()}, null)) {
      assertThat(registry.loadBundled(loader)).extracting(WorkflowModule::name)
          .containsExactlyInAnyOrder("crawler", "other");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
