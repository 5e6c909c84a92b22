package io.mvmci.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §4's {@code scripts/test-cluster.sh}, run as an operator runs it, against the jar this build
 * packaged (failsafe runs it after {@code package}): three local node processes, a job seen on every
 * node, the leader killed with SIGKILL, failover, the killed node's return. The script's own exit
 * status is the verdict; its output is printed.
 */
class ClusterScriptIT {
  @TempDir Path dir;

  @Test
  void theClusterScriptPassesAgainstThePackagedJar() throws Exception {
    Path jar = Path.of("target", "mvm-ci.jar").toAbsolutePath();
    assertThat(jar).as("the jar this build packaged").exists();
    for (String tool : new String[] {"jq", "curl"}) {
      assertThat(onPath(tool)).as("%s is on the PATH: the script needs it, and .ci/run installs it", tool).isTrue();
    }
    Path log = dir.resolve("test-cluster.log");
    ProcessBuilder pb = new ProcessBuilder("bash", "scripts/test-cluster.sh")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("JAR", jar.toString());
    Process p = pb.start();
    boolean ended = p.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      p.destroy(); // the script's trap cleans its nodes up
      p.waitFor(60, TimeUnit.SECONDS);
    }
    String out = Files.readString(log);
    System.out.println(out);
    assertThat(ended).as("the script ended within 10 minutes").isTrue();
    assertThat(p.exitValue()).as("exit status of scripts/test-cluster.sh; its output:%n%s", out).isZero();
  }

  private static boolean onPath(String tool) throws Exception {
    return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
  }
}
