package io.mvmci.workflows;

import io.mvmci.workflow.EngineConfig;
import io.mvmci.workflow.ModuleRegistry;
import io.mvmci.workflow.ProgressSink;
import io.mvmci.workflow.WorkflowEngine;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.http.HttpClient;
import java.util.List;
import java.util.function.Predicate;

/**
 * The engine's fault-injection seam ({@code io.mvmci.workflow.StepHook}), reached from this
 * package. The hook, the engine constructor that takes it and the host's default HTTP client
 * are package-private, so this class gets them by reflection: the engine it builds is the real
 * one, with the real HTTP client, only with a hook that can stop a run where a process might
 * die. A hook that throws the engine's own {@code StepHook.SimulatedCrash} ends the run with
 * nothing more written for it, which is what the journal holds after kill -9 at that point.
 */
final class StepHooks {

  /** One point of a journaled step: {@code kind} is the import's enum name ({@code HTTP_REQUEST}),
   *  {@code point} one of STARTED, PERFORMED, RECORDED. */
  record StepEvent(String runId, int seq, String kind, String point) {
    boolean recorded() {
      return point.equals("RECORDED");
    }
  }

  private static final String PACKAGE = "io.mvmci.workflow.";

  private StepHooks() {}

  /**
   * A real engine whose runs report every step point to {@code seen} and crash at the first
   * point {@code crashAt} accepts.
   */
  static WorkflowEngine engine(EngineConfig config, ModuleRegistry modules, ProgressSink sink,
      List<StepEvent> seen, Predicate<StepEvent> crashAt) {
    try {
      Class<?> hookType = Class.forName(PACKAGE + "StepHook");
      Class<?> crashType = Class.forName(PACKAGE + "StepHook$SimulatedCrash");
      Constructor<?> crash = crashType.getDeclaredConstructor(String.class);
      crash.setAccessible(true);
      Object hook = Proxy.newProxyInstance(hookType.getClassLoader(), new Class<?>[] {hookType},
          (proxy, method, args) -> {
            if (!method.getName().equals("at")) {
              return objectMethod(proxy, method, args);
            }
            StepEvent e = new StepEvent((String) args[0], (Integer) args[1], ((Enum<?>) args[2]).name(),
                ((Enum<?>) args[3]).name());
            seen.add(e);
            if (crashAt.test(e)) {
              throw (Error) crash.newInstance("simulated crash at " + e);
            }
            return null;
          });
      Method defaultClient = Class.forName(PACKAGE + "HttpBridge").getDeclaredMethod("defaultClient");
      defaultClient.setAccessible(true);
      Constructor<WorkflowEngine> constructor = WorkflowEngine.class.getDeclaredConstructor(
          EngineConfig.class, ModuleRegistry.class, ProgressSink.class, HttpClient.class, hookType);
      constructor.setAccessible(true);
      return constructor.newInstance(config, modules, sink, defaultClient.invoke(null), hook);
    } catch (InvocationTargetException e) {
      throw new AssertionError("building an engine with a step hook failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("the engine's test seam (StepHook, the package-private WorkflowEngine"
          + " constructor, HttpBridge.defaultClient) changed; update " + StepHooks.class.getSimpleName(), e);
    }
  }

  /** Whether {@code t} is the engine's simulated crash. */
  static boolean isSimulatedCrash(Throwable t) {
    return t != null && t.getClass().getName().equals(PACKAGE + "StepHook$SimulatedCrash");
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      case "toString" -> "test step hook";
      default -> throw new UnsupportedOperationException(method.toString());
    };
  }
}
