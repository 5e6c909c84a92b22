package io.mvmci;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * The {@code *ProcessTest} classes, one after another in one surefire fork, while the other forks run
 * the in-process tests. They launch node and worker processes of their own, and two of them at once
 * overload two cores (README, "Build and test"); one of them beside the in-process tests, whose time is
 * mostly waits, uses the idle share. The name sorts first ({@code runOrder=alphabetical}), so the
 * suite starts at once and is not left to run alone at the end.
 */
@Suite
@SelectPackages("io.mvmci")
@IncludeClassNamePatterns(".*ProcessTest")
class AllProcessTests {}
