package io.mvmci;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The node's Spring application: {@link NodeWiring}, {@link WorkerWiring}, {@link ScheduleWiring} and
 * every component under {@code io.mvmci}. Started by {@link NodeLauncher}, never on its own.
 */
@SpringBootApplication
class NodeApplication {
}
