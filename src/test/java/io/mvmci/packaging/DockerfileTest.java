package io.mvmci.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mvmci.config.ConfigLoader;
import io.mvmci.config.HostPort;
import io.mvmci.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/Dockerfile and .dockerignore checked without a Docker engine: the instructions the
 * deployment relies on, that the image and docker-entrypoint.sh agree on the user, that the
 * image's defaults file is a configuration the node accepts, that what the build copies is in the
 * build context, that the context leaves out build output, data and history, and that
 * docker-entrypoint.sh is shellcheck-clean.
 *
 * <p>shellcheck is required: without it {@link #theEntrypointIsShellcheckClean} fails (CI's
 * {@code .ci/run} installs it), unless {@code -Dmvmci.shellcheck=skip} is given, which skips
 * that one test on a machine where it cannot be installed.
 */
class DockerfileTest {
  static final Path DOCKERFILE = Path.of("docker/Dockerfile");
  static final String IMAGE_CONFIG = "/etc/mvm-ci/node.toml";

  record Instruction(String keyword, String args) {}

  /** The Dockerfile's instructions, continuation lines joined, comments dropped, ARG defaults applied. */
  static List<Instruction> instructions() throws IOException {
    List<Instruction> out = new ArrayList<>();
    Map<String, String> args = new HashMap<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(DOCKERFILE)) {
      String t = line.strip();
      if (t.startsWith("#") || (t.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      String full = current.toString().strip();
      current.setLength(0);
      if (full.isEmpty()) {
        continue;
      }
      String[] kw = full.split("\\s+", 2);
      String keyword = kw[0].toUpperCase();
      String rest = kw.length > 1 ? kw[1] : "";
      if (keyword.equals("ARG")) {
        String[] kv = rest.split("=", 2);
        args.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
      Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(rest);
      StringBuilder resolved = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(resolved, Matcher.quoteReplacement(args.getOrDefault(m.group(1), m.group())));
      }
      m.appendTail(resolved);
      out.add(new Instruction(keyword, resolved.toString()));
    }
    return out;
  }

  static List<String> all(List<Instruction> in, String keyword) {
    return in.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
  }

  @Test
  void buildsWithMavenOnJdk17AndRunsOnAJre17() throws IOException {
    List<String> from = all(instructions(), "FROM");
    assertThat(from).hasSize(2);
    assertThat(from.get(0)).contains("maven").contains("temurin-17").endsWith(" AS build");
    assertThat(from.get(1)).isEqualTo("eclipse-temurin:17-jre");
    assertThat(Files.readString(DOCKERFILE)).contains("package").contains("--from=build");
  }

  @Test
  void startsAsRootSoThatTheEntrypointGivesTheVolumeToTheImagesUserAndDropsToIt() throws IOException {
    List<Instruction> in = instructions();
    assertThat(all(in, "USER")).as("no USER: the entrypoint starts as root and drops to MVMCI_USER").isEmpty();
    assertThat(all(in, "RUN")).as("MVMCI_USER is the image's user, uid 10001")
        .anyMatch(r -> r.contains("useradd") && r.contains("--uid \"10001\"") && r.contains("nologin mvmci "));
    assertThat(env(in)).containsEntry("MVMCI_USER", "mvmci");
    assertThat(all(in, "VOLUME")).containsExactly("[\"/data\"]");
    assertThat(all(in, "WORKDIR")).last().isEqualTo("/data");
    String script = Files.readString(Entrypoint.SCRIPT);
    assertThat(script).as("the volume the entrypoint gives away is the image's").contains("${MVMCI_VOLUME:-/data}");
    assertThat(script).contains("setpriv --reuid=");
  }

  @Test
  void theImagesDefaultsAreAFileThatTheEnvironmentOverrides() throws IOException {
    assertThat(env(instructions())).containsEntry("MVMCI_CONFIG", IMAGE_CONFIG);
    NodeConfig alone = ConfigLoader.parse(imageConfig(), IMAGE_CONFIG, Map.of());
    assertThat(alone.dataDir()).isEqualTo(Path.of("/data"));
    assertThat(alone.httpBind()).as("reachable through a published port").isEqualTo(new HostPort("0.0.0.0", 3020));
    assertThat(alone.raftBind()).isEqualTo(new HostPort("0.0.0.0", 9000));

    NodeConfig overridden = ConfigLoader.parse(imageConfig(), IMAGE_CONFIG,
        Map.of("DATA_DIR", "/data/node1", "LISTEN_ADDR_API", "127.0.0.1"));
    assertThat(overridden.dataDir()).isEqualTo(Path.of("/data/node1"));
    assertThat(overridden.httpBind().host()).isEqualTo("127.0.0.1");
  }

  /** The lines the Dockerfile writes to /etc/mvm-ci/node.toml. */
  static String imageConfig() throws IOException {
    String run = all(instructions(), "RUN").stream().filter(r -> r.contains("> " + IMAGE_CONFIG)).findFirst()
        .orElseThrow(() -> new AssertionError("no RUN writes " + IMAGE_CONFIG));
    String printf = run.substring(run.indexOf("printf '%s\\n'") + "printf '%s\\n'".length(), run.indexOf("> " + IMAGE_CONFIG));
    List<String> lines = new ArrayList<>();
    Matcher m = Pattern.compile("'([^']*)'").matcher(printf);
    while (m.find()) {
      lines.add(m.group(1));
    }
    assertThat(lines).isNotEmpty();
    return String.join("\n", lines) + "\n";
  }

  /** The ENV instructions' variables. */
  static Map<String, String> env(List<Instruction> in) {
    Map<String, String> env = new HashMap<>();
    Matcher m = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(String.join(" ", all(in, "ENV")));
    while (m.find()) {
      env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
    }
    return env;
  }

  /** The image starts with the Class Data Sharing archive its build made, from the jar it runs. */
  @Test
  void nodesStartWithTheClassDataSharingArchiveTheBuildMade() throws IOException {
    List<Instruction> in = instructions();
    Map<String, String> env = env(in);
    String archive = "/opt/mvm-ci/mvm-ci.jsa";
    assertThat(env.get("JAVA_OPTS")).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(all(in, "RUN")).anySatisfy(run -> assertThat(run)
        .contains("-XX:ArchiveClassesAtExit=" + archive)
        .contains("-Dspring.context.exit=onRefresh")
        .contains("-jar " + env.get("MVMCI_JAR")));
  }

  @Test
  void exposesHttpAndRaftChecksHealthAndStartsThroughTheEntrypoint() throws IOException {
    List<Instruction> in = instructions();
    assertThat(String.join(" ", all(in, "EXPOSE")).split("\\s+")).contains("3020", "9000");
    assertThat(all(in, "HEALTHCHECK")).singleElement().asString()
        .contains("CMD [\"docker-entrypoint.sh\", \"health\"]");
    assertThat(all(in, "ENTRYPOINT")).containsExactly("[\"docker-entrypoint.sh\"]");
    assertThat(all(in, "COPY")).anyMatch(c -> c.contains("--chmod=755") && c.contains("docker-entrypoint.sh"));
  }

  @Test
  void whatTheBuildCopiesIsInTheContext() throws IOException {
    DockerIgnore ignore = DockerIgnore.load(Path.of(".dockerignore"));
    for (String copy : all(instructions(), "COPY")) {
      if (copy.contains("--from=")) {
        continue;
      }
      List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
      words.removeIf(w -> w.startsWith("--"));
      for (String source : words.subList(0, words.size() - 1)) {
        Path p = Path.of(source);
        assertThat(p).as("COPY source %s exists", source).exists();
        String probe = Files.isDirectory(p) ? firstFileUnder(p) : source;
        assertThat(ignore.excludes(probe)).as("%s is in the build context", probe).isFalse();
      }
    }
  }

  @Test
  void theContextLeavesOutBuildOutputDataAndHistory() throws IOException {
    DockerIgnore ignore = DockerIgnore.load(Path.of(".dockerignore"));
    for (String out : List.of("target/mvm-ci.jar", "target/classes/io/mvmci/Main.class", "data/node1/raft/x",
        ".git/HEAD", "workflows/crawler/target/wasm32-unknown-unknown/release/crawler.wasm",
        "workflows/sdk-as/node_modules/assemblyscript/index.js", "workflows/target/x", "src/test/java/X.java",
        ".env", "node1.log")) {
      assertThat(ignore.excludes(out)).as("%s left out", out).isTrue();
    }
    for (String in : List.of("pom.xml", "src/main/java/io/mvmci/Main.java", "src/main/resources/application.yml",
        "workflows/crawler/crawler.wasm", "docker-entrypoint.sh")) {
      assertThat(ignore.excludes(in)).as("%s sent", in).isFalse();
    }
    long bytes = 0;
    for (String tracked : gitLsFiles()) {
      if (!ignore.excludes(tracked) && Files.isRegularFile(Path.of(tracked))) {
        bytes += Files.size(Path.of(tracked));
      }
    }
    assertThat(bytes).as("tracked bytes sent as context").isLessThan(20L << 20);
  }

  @Test
  void theEntrypointIsShellcheckClean() throws Exception {
    assumeThat(System.getProperty("mvmci.shellcheck", "")).as("-Dmvmci.shellcheck=skip").isNotEqualTo("skip");
    Process p;
    try {
      p = new ProcessBuilder("shellcheck", "--shell=sh", "--severity=style", Entrypoint.SCRIPT.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("shellcheck is not installed (apt-get install shellcheck; .ci/run does), "
          + "or skip this test with -Dmvmci.shellcheck=skip", e);
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void theEntrypointIsExecutableAndPosixSh() throws IOException {
    assertThat(Files.isExecutable(Entrypoint.SCRIPT)).isTrue();
    assertThat(Files.readAllLines(Entrypoint.SCRIPT).get(0)).isEqualTo("#!/bin/sh");
  }

  private static String firstFileUnder(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/target/"))
          .findFirst().orElseThrow().toString();
    }
  }

  private static List<String> gitLsFiles() throws IOException {
    try {
      Process p = new ProcessBuilder("git", "ls-files").redirectErrorStream(true).start();
      List<String> files = new String(p.getInputStream().readAllBytes()).lines().toList();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? files : List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /**
   * .dockerignore rules as Docker applies them: the last matching rule wins, {@code !} re-includes,
   * {@code **} spans directories, and a rule matching a directory matches what is under it.
   */
  record DockerIgnore(List<Pattern> patterns, List<Boolean> include) {
    static DockerIgnore load(Path file) throws IOException {
      List<Pattern> patterns = new ArrayList<>();
      List<Boolean> include = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        boolean negated = t.startsWith("!");
        String p = (negated ? t.substring(1) : t).strip();
        p = p.startsWith("/") ? p.substring(1) : p;
        p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        patterns.add(Pattern.compile(regex(p)));
        include.add(negated);
      }
      return new DockerIgnore(patterns, include);
    }

    private static String regex(String glob) {
      StringBuilder r = new StringBuilder();
      for (int i = 0; i < glob.length(); i++) {
        char c = glob.charAt(i);
        if (glob.startsWith("**/", i)) {
          r.append("(?:.*/)?");
          i += 2;
        } else if (glob.startsWith("**", i)) {
          r.append(".*");
          i += 1;
        } else if (c == '*') {
          r.append("[^/]*");
        } else if (c == '?') {
          r.append("[^/]");
        } else {
          r.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return r.toString();
    }

    boolean excludes(String path) {
      boolean excluded = false;
      for (int i = 0; i < patterns.size(); i++) {
        if (matchesOrParent(patterns.get(i), path)) {
          excluded = !include.get(i);
        }
      }
      return excluded;
    }

    private static boolean matchesOrParent(Pattern p, String path) {
      String s = path;
      while (true) {
        if (p.matcher(s).matches()) {
          return true;
        }
        int slash = s.lastIndexOf('/');
        if (slash < 0) {
          return false;
        }
        s = s.substring(0, slash);
      }
    }
  }
}
