package io.mvmci;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version in the jar's manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {"mvm-ci " + (v != null ? v : "(built from source, no jar manifest)")};
  }
}
