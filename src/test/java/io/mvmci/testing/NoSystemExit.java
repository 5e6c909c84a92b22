package io.mvmci.testing;

import org.apache.ratis.util.ExitUtils;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Ratis calls {@code System.exit(1)} when a gRPC server cannot start (a port taken between its choice
 * and the bind); in a test JVM that ends every test of the fork at once. Registered for every test JVM
 * (META-INF/services), this makes Ratis throw instead, so only the test whose node could not start
 * fails, with the reason. Node processes started by the process tests keep Ratis's behaviour.
 */
public final class NoSystemExit implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    ExitUtils.disableSystemExit();
  }
}
