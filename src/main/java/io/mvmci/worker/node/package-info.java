/**
 * The node's side of work: what only a node, with its Raft node and its copy of the queue, can do for
 * workers. {@link io.mvmci.worker.node.LocalTransport} proposes a worker's commands through this
 * node (for its embedded pool, and for remote workers that reach it over HTTP);
 * {@link io.mvmci.worker.node.WorkSignal} wakes waiting claimers when applied entries make work
 * runnable and passes cancellations to the local worker; {@link io.mvmci.worker.node.Reaper} expires
 * the leases of dead workers and applies retention, on the leader. Depends on {@code io.mvmci.worker}
 * and {@code replication}; the worker client never depends on this package.
 */
package io.mvmci.worker.node;
