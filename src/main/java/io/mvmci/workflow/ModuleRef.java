package io.mvmci.workflow;

import java.util.Objects;

/**
 * Names the module a run executes: a module name and, optionally, the sha-256 (lower-case hex)
 * of one deployed version. Without a hash a new run takes the latest version, and a resumed
 * run the version it started with.
 */
public record ModuleRef(String name, String sha256) {
  public ModuleRef {
    Objects.requireNonNull(name, "name");
  }

  public static ModuleRef latest(String name) {
    return new ModuleRef(name, null);
  }

  public static ModuleRef exact(String name, String sha256) {
    return new ModuleRef(name, Objects.requireNonNull(sha256, "sha256"));
  }

  @Override
  public String toString() {
    return sha256 == null ? name : name + "@" + sha256;
  }
}
