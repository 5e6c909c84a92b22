package io.mvmci.api;

import io.mvmci.access.TicketService;
import io.mvmci.command.AppendSteps;
import io.mvmci.job.Labels;
import java.util.List;
import io.mvmci.config.NodeConfig;
import io.mvmci.replication.RaftNode;
import io.mvmci.worker.node.ChildJobs;
import io.mvmci.worker.node.LocalTransport;
import io.mvmci.worker.node.WorkSignal;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The transport this node uses on behalf of a remote worker's request: the commands it proposes for
 * the worker are stamped with this node's clock, lease and history limits, as for its own workers.
 */
@Component
class RemoteWorkerTransports {
  private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final RaftNode node;
  private final WorkSignal signal;
  private final Clock clock;
  private final long leaseMs;
  private final AppendSteps.Limits limits;

  private final ChildJobs children;
  private final TicketService tickets;

  RemoteWorkerTransports(RaftNode node, WorkSignal signal, Clock clock, NodeConfig config, ChildJobs children,
      TicketService tickets) {
    this.tickets = tickets;
    this.children = children;
    this.node = node;
    this.signal = signal;
    this.clock = clock;
    this.leaseMs = config.jobs().leaseMs();
    this.limits = new AppendSteps.Limits(config.jobs().maxStepBytes(), config.jobs().maxHistoryBytes(),
        config.jobs().maxHistorySteps());
  }

  /** The lease this node stamps on its remote workers' claims and heartbeats: {@code [jobs] lease_ms}. */
  long leaseMs() {
    return leaseMs;
  }

  /**
   * The worker a request speaks for. A worker that came with a ticket is {@code <ticket id>:<its
   * worker_id>}: its claims, heartbeats and outcomes are only ever its ticket's, so one ticket's holder
   * cannot report on, renew or fail another's jobs by naming its worker_id (no worker_id may contain
   * ':', so none can pose as a ticket's). With {@code secret_api}, worker_id is taken as it is.
   */
  LocalTransport forRequest(HttpServletRequest request, String workerId) {
    return forRequest(request, workerId, List.of());
  }

  /**
   * As {@link #forRequest(HttpServletRequest, String)}, claiming and beating with {@code labels}. A
   * ticket that restricts labels gives its own when the worker names none, and refuses any it does
   * not list ({@link LabelsNotAllowedException}, 403).
   */
  LocalTransport forRequest(HttpServletRequest request, String workerId, List<String> labels) {
    LocalTransport t = forRequestUnlabelled(request, workerId);
    Object ticket = request.getAttribute(InternalAuthFilter.TICKET_ATTRIBUTE);
    List<String> allowed = ticket == null ? List.of() : tickets.labelsOf(ticket.toString());
    if (!allowed.isEmpty()) {
      if (labels.isEmpty()) {
        labels = allowed;
      } else if (!allowed.containsAll(labels)) {
        List<String> refused = labels.stream().filter(l -> !allowed.contains(l)).toList();
        throw new LabelsNotAllowedException("ticket " + ticket + " allows only labels " + Labels.words(allowed)
            + ", not " + Labels.words(refused));
      }
    }
    return t.withLabels(labels);
  }

  private LocalTransport forRequestUnlabelled(HttpServletRequest request, String workerId) {
    if (workerId == null || !WORKER_ID.matcher(workerId).matches()) {
      throw new BadRequestException("worker_id", "worker_id must be 1-64 letters, digits, '.', '_' or '-'");
    }
    Object ticket = request.getAttribute(InternalAuthFilter.TICKET_ATTRIBUTE);
    String worker = ticket == null ? workerId : ticket + ":" + workerId;
    return new LocalTransport(worker, "remote", 0, node, signal, clock, leaseMs, limits, children);
  }

  /** A remote worker named labels its ticket does not allow. */
  static final class LabelsNotAllowedException extends RuntimeException {
    LabelsNotAllowedException(String message) {
      super(message);
    }
  }
}
