package io.mvmci;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Keeps Spring Boot from printing its failure banner and stack trace for a start-up failure that
 * {@link StartupFailure#of} recognises; {@link NodeLauncher} prints the one line instead. The trace
 * goes to the log at DEBUG. Registered in {@code META-INF/spring.factories}.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class StartupFailureReporter implements SpringBootExceptionReporter {
  private static final Logger LOG = LoggerFactory.getLogger(StartupFailureReporter.class);

  @Override
  public boolean reportException(Throwable failure) {
    if (StartupFailure.of(failure).isEmpty()) {
      return false;
    }
    LOG.debug("the node did not start", failure);
    return true;
  }
}
