package io.mvmci.lifecycle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What /proc says about processes: CPU used, JIT compiler CPU, children, the load average. */
final class Proc {
  /** USER_HZ: Linux reports CPU in 1/100 s on every platform this runs on. */
  static final long TICK_MS = 10;

  private Proc() {}

  /** CPU time (user + system) used so far by {@code pids} and their live children, in ms. */
  static long cpuMillis(List<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      ticks += ticks(Path.of("/proc/" + pid + "/stat"));
      for (long child : children(pid)) {
        ticks += ticks(Path.of("/proc/" + child + "/stat"));
      }
    }
    return ticks * TICK_MS;
  }

  /** CPU ms used so far by the JIT compiler threads of {@code pids}. */
  static long jitMillis(List<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
        for (Path t : tasks) {
          try {
            if (Files.readString(t.resolve("comm")).contains("CompilerThre")) {
              ticks += ticks(t.resolve("stat"));
            }
          } catch (IOException gone) {
            // the thread ended
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("process " + pid + " is gone");
      }
    }
    return ticks * TICK_MS;
  }

  static boolean alive(long pid) {
    return Files.exists(Path.of("/proc/" + pid));
  }

  /** The 1, 5 and 15 minute load averages, as /proc/loadavg prints them. */
  static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static List<Long> children(long pid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : all) {
        String[] f = fields(p.resolve("stat"));
        if (f != null && Long.parseLong(f[1]) == pid) {
          out.add(Long.parseLong(p.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      // no children visible
    }
    return out;
  }

  private static long ticks(Path stat) {
    String[] f = fields(stat);
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The fields after the command name: [0] is the state, [1] the parent pid, [11]/[12] utime/stime. */
  private static String[] fields(Path stat) {
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
