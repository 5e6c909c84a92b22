package io.mvmci.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code [workers]} section: workers embedded in the node. Every key is optional.
 *
 * @param embedded worker threads this node runs itself; 0 disables embedded workers (remote
 *     workers only); {@code embedded}, threads, default the number of available processors
 * @param stackSizeKb thread stack of each worker; deep recursion in a module needs more; {@code
 *     stack_size_kb}, KiB, default 4096
 * @param memoryLimitMb most linear memory one module instance may grow to; {@code
 *     memory_limit_mb}, MiB, default 64
 * @param allowInterpretedModules whether a module deployed over the API may have a function too
 *     large for the compiler; such a function runs in Chicory's interpreter, where cancellation and
 *     timeouts cannot stop it; {@code allow_interpreted_modules}, boolean, default false
 * @param journalFsync whether the engine's journal fsyncs every commit, so that a power cut repeats
 *     no journaled step (a process crash never does); costs an fsync per step; {@code
 *     journal_fsync}, boolean, default false
 * @param egressAllow address ranges workflows' HTTP requests may reach besides public addresses
 *     (loopback, private, link-local and other non-public ranges are denied otherwise); each an IP
 *     address or CIDR range such as {@code "10.1.0.0/16"}; this cluster's own ports stay denied;
 *     {@code egress_allow}, array of strings, default empty
 * @param labels the worker labels this node's embedded workers have: they claim the jobs that require
 *     labels only when all of them are here ({@code "gpu"}, {@code "arm64"}); each 1-64 lower-case
 *     letters, digits, '.', '_', '-' or ':'; {@code labels}, array of strings, default empty
 */
public record WorkersSection(
    @Range(min = 0, max = 1024, unit = "threads") int embedded,
    @Range(min = 256, max = 1024 * 1024, unit = "KiB") int stackSizeKb,
    @Range(min = 1, max = MAX_MEMORY_LIMIT_MB, unit = "MiB") int memoryLimitMb,
    boolean allowInterpretedModules,
    boolean journalFsync,
    List<String> egressAllow,
    List<String> labels) {

  // The rule of io.mvmci.job.Labels, which sits above config in the package map (LabelRulesTest).
  static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
  static final int MAX_LABELS = 32;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public WorkersSection {
    egressAllow = List.copyOf(egressAllow);
    labels = List.copyOf(labels);
  }

  /** Without labels (as before {@code labels} existed). */
  public WorkersSection(int embedded, int stackSizeKb, int memoryLimitMb, boolean allowInterpretedModules,
      boolean journalFsync, List<String> egressAllow) {
    this(embedded, stackSizeKb, memoryLimitMb, allowInterpretedModules, journalFsync, egressAllow, List.of());
  }

  public static final int DEFAULT_STACK_SIZE_KB = 4096;
  public static final int DEFAULT_MEMORY_LIMIT_MB = 64;

  /** The largest memory Chicory gives an instance: 32767 pages of 64 KiB, just under 2 GiB. */
  public static final int MAX_MEMORY_LIMIT_MB = 2047;

  /** Defaults for a machine with {@code processors} available processors. */
  public static WorkersSection defaults(int processors) {
    return new WorkersSection(processors, DEFAULT_STACK_SIZE_KB, DEFAULT_MEMORY_LIMIT_MB, false, false, List.of(),
        List.of());
  }

  /** The rules of this section; the binder has checked each key's range. */
  WorkersSection checked(Fields f) {
    for (int i = 0; i < egressAllow.size(); i++) {
      String why = rangeProblem(egressAllow.get(i));
      if (why != null) {
        throw f.invalidAt("egress_allow", i, Problems.quote(egressAllow.get(i)), why);
      }
    }
    for (int i = 0; i < labels.size(); i++) {
      String why = LABEL.matcher(labels.get(i)).matches() ? null
          : "a label is 1-64 lower-case letters, digits, '.', '_', '-' or ':', not " + Problems.quote(labels.get(i));
      if (why != null) {
        throw f.invalidAt("labels", i, Problems.quote(labels.get(i)), why);
      }
    }
    if (labels.size() > MAX_LABELS) {
      throw f.invalid("labels", "at most " + MAX_LABELS + " labels");
    }
    return this;
  }

  /**
   * Why {@code text} is not an IP address or CIDR range, or null if it is one. Only literals are
   * accepted (nothing is looked up): a host name would be resolved once, and its address may change.
   */
  static String rangeProblem(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    int bits;
    if (IPV4.matcher(address).matches()) {
      for (String part : address.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return "must be an IP address or range such as 10.0.0.0/8 or fd00::/8 (not a host name)";
        }
      }
      bits = 32;
    } else if (IPV6.matcher(address).matches()) {
      try {
        bits = InetAddress.getByName("[" + address + "]").getAddress().length * 8;
      } catch (UnknownHostException e) {
        return "must be an IP address or range such as 10.0.0.0/8 or fd00::/8 (not a host name)";
      }
    } else {
      return "must be an IP address or range such as 10.0.0.0/8 or fd00::/8 (not a host name)";
    }
    if (slash >= 0) {
      String prefix = s.substring(slash + 1);
      if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
        return "the prefix length after / must be 0 to " + bits;
      }
    }
    return null;
  }
}
