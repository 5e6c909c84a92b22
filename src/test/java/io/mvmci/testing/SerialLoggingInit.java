package io.mvmci.testing;

import java.util.concurrent.locks.ReentrantLock;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * Lets one Spring application at a time in this JVM initialise logging. Tests start in-process nodes
 * in parallel, and Spring Boot's Logback initialisation resets the one shared LoggerContext: two at
 * once failed a node's start with a ConcurrentModificationException in
 * {@code LoggerContext.fireOnReset}. Registered for tests only (META-INF/spring.factories under
 * src/test/resources): {@link Before} takes the lock before {@link LoggingApplicationListener} runs,
 * {@link After} releases it after, or when the start fails.
 */
public final class SerialLoggingInit {
  private static final ReentrantLock LOCK = new ReentrantLock();

  private SerialLoggingInit() {}

  private static boolean handles(ResolvableType type) {
    Class<?> c = type.getRawClass();
    return c != null && (ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(c)
        || ApplicationFailedEvent.class.isAssignableFrom(c));
  }

  private static void release() {
    if (LOCK.isHeldByCurrentThread()) {
      LOCK.unlock();
    }
  }

  /** Takes the lock as the environment is prepared, before logging is initialised. */
  public static final class Before implements GenericApplicationListener {
    @Override
    public boolean supportsEventType(ResolvableType eventType) {
      return handles(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
      if (event instanceof ApplicationEnvironmentPreparedEvent) {
        LOCK.lock();
      } else {
        release();
      }
    }

    @Override
    public int getOrder() {
      return LoggingApplicationListener.DEFAULT_ORDER - 1;
    }
  }

  /** Releases it once logging is initialised (or the start failed). */
  public static final class After implements GenericApplicationListener {
    @Override
    public boolean supportsEventType(ResolvableType eventType) {
      return handles(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
      release();
    }

    @Override
    public int getOrder() {
      return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }
  }
}
