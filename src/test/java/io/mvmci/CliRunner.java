package io.mvmci;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the {@code mvm-ci} command line in this JVM, for tests outside this package. */
public final class CliRunner {
  private CliRunner() {}

  /** What a run printed and its exit status. */
  public record Run(int status, String out, String err) {}

  public static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = MvmCiCommand.execute(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }
}
