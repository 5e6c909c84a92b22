/**
 * The worker client: claims jobs, runs them in the workflow engine, keeps its claims alive, and
 * reports outcomes under the claim's fencing token. It runs in a node (the embedded pool) and in a
 * remote worker process alike, and imports nothing from {@code replication}, {@code store} or
 * Spring; the node-side pieces (the reaper, the local transport, the work signal) are in
 * {@link io.mvmci.worker.node}. Its settings are made in one place, {@code io.mvmci.WorkerSettingsFactory}.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li>A claim is one replicated command ({@link io.mvmci.command.ClaimJobs}); its fencing token is
 *       the job's attempt number, which only ever grows. Every later command from the worker carries
 *       the token; apply refuses a stale one with a reason, so a paused or partitioned worker cannot
 *       complete a job someone else now runs.</li>
 *   <li>{@link io.mvmci.worker.WorkerAgent} is one worker: a node's embedded pool (over
 *       {@link io.mvmci.worker.node.LocalTransport}) or a remote worker process (over HTTP,
 *       {@link io.mvmci.worker.RemoteTransport}). It does not know which. It wires three parts, each
 *       with one job: {@link io.mvmci.worker.ClaimLoop} obtains claims and keeps them (resumption,
 *       claims, heartbeats), {@link io.mvmci.worker.Reporter} starts runs and reports how they
 *       ended, and {@link io.mvmci.worker.RunTable} holds the runs and their slots.</li>
 *   <li>The run id is {@code job-N/attempt}; the engine journals under it, so a node that restarts
 *       while its lease holds resumes exactly the claim it had, and one whose claim went stale
 *       forgets the journal.</li>
 *   <li>The {@link io.mvmci.worker.node.Reaper} runs on the leader: a lease that ran out counts as a
 *       failure and the job goes back to the queue (or fails for good). Bound: lease + reaper
 *       interval after the last heartbeat (3 s + 0.5 s by default).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * One claim thread (waits for free slots, then for work; {@code ClaimLoop}: the embedded worker waits
 * for work holding none of its slots, so that an eager start can take one, see below), one heartbeat thread
 * (also where a report's retry waits; a run whose lease bound has passed sends a heartbeat from its
 * HTTP thread, one at a time with this thread's, {@code Lease}), one progress sender (in order; {@code ProgressOutbox}), a pool
 * of reporting threads (one per slot) for reports that block, and one settling thread that handles
 * every report's answer (it never blocks; both {@code Reporter}'s). Runs execute on the engine's
 * threads. A success reported through a transport that does not wait (the embedded worker's) is sent
 * from the run's own thread, after the engine has settled the run; anything else goes to a reporting
 * thread. A slot (a permit of {@code capacity}, in {@code RunTable}) is held from claim until the
 * outcome is accepted or found stale.
 *
 * <h2>Eager start</h2>
 * A submission the leader appends, whichever node took it, for a job that may start at once, carries
 * a claim of one job by the leader's embedded worker when it has a free slot
 * ({@link io.mvmci.command.SubmitAndClaim}, Temporal's "eager workflow start"): the leader rewrites the
 * entry before the log ({@link io.mvmci.queue.EagerStartRewriter}, in the state machine's
 * {@code startTransaction}), taking the slot there ({@code WorkerAgent.takeEagerSlot}); the apply
 * thread runs what the claim took, or frees the slot if it took nothing. The job starts one commit
 * sooner and no claimer is woken for it; one submitted through a follower runs on the leader, whose
 * steps commit without a forwarding hop. The claim is an ordinary claim of the head of the queue
 * (priority, labels and concurrency groups hold); an entry refused, or pending when the leader steps
 * down, frees the slot, and a claim that did apply anyway expires with its lease as any lost claim
 * does. Followers never start eagerly: their worker would send each of the run's steps through the
 * leader.
 *
 * <h2>Failure model</h2>
 * <ul>
 *   <li>Queue unreachable: claims back off; outcome reports are retried every 500 ms and keep their
 *       slot (and their lease, through heartbeats) until accepted.</li>
 *   <li>Claim stale (cancelled, expired, taken over): the run is interrupted and its journal
 *       forgotten; nothing is reported.</li>
 *   <li>Lease not known to hold when an {@code http_request} is about to be written ({@link
 *       io.mvmci.worker.Lease}: the send time of the last accepted claim or heartbeat, plus the
 *       lease, less a tenth; past it, a heartbeat sent at once decides): the request is not sent and
 *       the run stops as stale, with no result recorded. The lease counted is the worker's own, or the
 *       control plane's {@code lease_ms} from its claim answers when that is shorter.</li>
 *   <li>What a run needs is made ready after its claim is among the heartbeats
 *       ({@code WorkTransport.prepare}: a remote worker fetches and compiles a module version new to
 *       it), so a slow compile keeps its lease; one that cannot be had fails the attempt (a host
 *       error) without starting the run.</li>
 *   <li>Stopping: no new claims; runs get {@code shutdownGrace} to finish, then are interrupted and
 *       handed back ({@link io.mvmci.command.ReleaseJob}), which does not count as a failure.</li>
 *   <li>Process killed: on restart the agent resumes its unfinished runs whose claims are still
 *       current; the rest are retried elsewhere once their lease runs out.</li>
 * </ul>
 */
package io.mvmci.worker;
