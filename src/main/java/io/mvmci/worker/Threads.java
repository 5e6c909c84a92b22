package io.mvmci.worker;

import java.util.concurrent.ThreadFactory;

/** The worker's threads: named, daemon (a worker never keeps its JVM alive by itself). */
public final class Threads {
  private Threads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
