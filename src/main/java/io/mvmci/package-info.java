/**
 * mvm-ci: a clustered control plane that runs jobs as durable WebAssembly workflows.
 *
 * <h2>Package map</h2>
 * The replicated core is cut by layer, top to bottom: {@code api} (HTTP) → {@code queue} (the job
 * service) → {@code replication} (Raft) → {@code command} (what each replicated command means: its
 * wire layout, its apply, its effects) → {@code store} (SQLite). The rest is cut by feature. Dependencies
 * run one way: a package imports only packages listed below it.
 * <pre>
 *   io.mvmci              Main, the command line (picocli: node, worker, backup, restore, and the
 *                         client's commands), start-up checks, the Spring wiring and the one worker
 *                         settings factory
 *   io.mvmci.dashboard    the web dashboard at /: a small SPA kept as plain files in the jar (no build
 *                         step, no CDN), its login (session cookie when [api] token is set)
 *   io.mvmci.cli          the command-line client: jobs, cluster, modules over the HTTP API and its
 *                         SSE streams (uses nothing of the node)
 *   io.mvmci.ops          operations: health and readiness, mvmci_* metrics, [api] token, encrypted
 *                         backups and restore, leadership handover on shutdown, log settings
 *   io.mvmci.api          HTTP: SPEC §1 endpoints, /api/v1, problem+json, the worker/admin auth filter,
 *                         the SSE streams (non-blocking writes), the OpenAPI description
 *   io.mvmci.live         the live feed: job changes recorded as entries apply (with their log index),
 *                         read, rendered and fanned out to the streams on a thread of its own
 *   io.mvmci.access       worker tickets: issued and revoked through the log
 *   io.mvmci.deploy       workflow modules cluster-wide (deploy, seed the bundled ones, promote,
 *                         delete), each node's registry kept in step; replays of run histories
 *   io.mvmci.schedule     cron schedules: validated and replicated definitions, fired by the leader
 *                         (the cron evaluated by proposers only; a fire is a compare-and-set)
 *   io.mvmci.queue        the job service: submit, read (linearizable or local), cancel, history
 *   io.mvmci.worker.node  the node's side of work: the local transport (claims, steps and reports
 *                         through this node's log), the work signal, the reaper
 *   io.mvmci.worker       the worker client, embedded or remote: claim loop, reporter, run table, and
 *                         each run's history kept in the replicated log
 *   io.mvmci.artifact     artifacts: content-addressed blobs on each node, streamed to a majority by
 *                         Ratis DataStream with their metadata command as the stream's header, or
 *                         kept in an S3-compatible bucket
 *   io.mvmci.replication  Apache Ratis: server, thin state machine, background snapshots, group
 *                         commit, read barrier, mTLS
 *   io.mvmci.command      the replicated commands, one file each (wire layout, apply, effects), the
 *                         envelope, results, and the processor that applies an entry
 *   io.mvmci.store        SQLite: open and migrate, the read pool, snapshot copies, and the reads
 *                         (jobs, history, modules, workers)
 *   io.mvmci.workflow     the Chicory engine, host ABI, run history (local journal or external),
 *                         replay, module registry
 *   io.mvmci.job          the job domain: statuses and the one table of their transitions, ids, reasons
 *   io.mvmci.config       node configuration: TOML and the environment bound into records, validated
 * </pre>
 * {@code cli} talks to a node over HTTP only; {@code dashboard} is its browser twin (the same JSON APIs).
 * {@code job}, {@code workflow} and {@code config} are leaves: none of them knows about Raft or HTTP;
 * nor does {@code worker}, which a remote worker process runs without a node.
 * The hard packages carry a design note: {@code store/DESIGN.md} (with the apply side of
 * {@code command}), {@code replication/DESIGN.md}, {@code workflow/DESIGN.md}, {@code ops/DESIGN.md},
 * {@code schedule/DESIGN.md}, {@code artifact/DESIGN.md}, and the {@code package-info} of {@code command},
 * {@code worker} and {@code workflow}.
 */
package io.mvmci;
