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
public abstract class SerialLoggingInit implements GenericApplicationListener {
  private static final ReentrantLock LOCK = new ReentrantLock();

  private final int order;

  SerialLoggingInit(int order) {
    this.order = order;
  }

  @Override
  public boolean supportsEventType(ResolvableType eventType) {
    Class<?> c = eventType.getRawClass();
    return c != null && (ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(c)
        || ApplicationFailedEvent.class.isAssignableFrom(c));
  }

  @Override
  public int getOrder() {
    return order;
  }

  /** Releases the lock if this thread holds it (logging is initialised, or the start failed). */
  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (LOCK.isHeldByCurrentThread()) {
      LOCK.unlock();
    }
  }

  /** Takes the lock as the environment is prepared, before logging is initialised. */
  public static final class Before extends SerialLoggingInit {
    public Before() {
      super(LoggingApplicationListener.DEFAULT_ORDER - 1);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
      if (event instanceof ApplicationEnvironmentPreparedEvent) {
        LOCK.lock();
      } else {
        super.onApplicationEvent(event);
      }
    }
  }

  /** Releases it once logging is initialised, or when the start failed. */
  public static final class After extends SerialLoggingInit {
    public After() {
      super(LoggingApplicationListener.DEFAULT_ORDER + 1);
    }
  }
}
