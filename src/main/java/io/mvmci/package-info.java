/**
 * mvm-ci: a clustered control plane that runs jobs as durable WebAssembly workflows.
 *
 * <h2>Package map</h2>
 * Packages are cut by feature. Dependencies run one way, top to bottom; a package never imports
 * one listed above it.
 * <pre>
 *   io.mvmci              Main, the command line (picocli: node, worker, backup, restore), start-up
 *                         checks, the Spring wiring and the one worker settings factory
 *                         (depends on everything below)
 *   io.mvmci.ops          operations: health and readiness, mvmci_* metrics, [api] token, encrypted
 *                         backups and restore, leadership handover on shutdown, log settings
 *   io.mvmci.api          HTTP: SPEC §1 endpoints, /api/v1, problem+json, the worker/admin auth filter
 *   io.mvmci.access       worker tickets: issued and revoked through the log
 *   io.mvmci.deploy       cluster-wide module deployment, each node's registry kept in step
 *   io.mvmci.worker.node  the node's side of work: local transport, work signal, reaper
 *   io.mvmci.worker       the worker client (embedded and remote): claims, heartbeats, outcomes
 *   io.mvmci.queue        the job service: submit, read (linearizable or local), cancel
 *   io.mvmci.replication  Apache Ratis: server, thin state machine, group commit, read barrier, mTLS
 *   io.mvmci.store        SQLite: migrations, the command processor (apply), queries, snapshots
 *   io.mvmci.command      the replicated command envelope and its binary codec
 *   io.mvmci.job          the job domain: statuses and their transitions, ids, reasons
 *   io.mvmci.workflow     the Chicory engine, host ABI, journal, module registry
 *   io.mvmci.config       node configuration (TOML), validation, environment overrides
 * </pre>
 * {@code job}, {@code workflow} and {@code config} are leaves: none of them knows about Raft or HTTP;
 * nor does {@code worker}, which a remote worker process runs without a node.
 * The hard packages carry a design note: {@code store/DESIGN.md}, {@code replication/DESIGN.md},
 * {@code ops/DESIGN.md}, and the {@code package-info} of {@code worker} and {@code workflow}.
 */
package io.mvmci;
