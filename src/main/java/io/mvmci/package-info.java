/**
 * mvm-ci: a clustered control plane that runs jobs as durable WebAssembly workflows.
 *
 * <h2>Package map</h2>
 * Packages are cut by feature. Dependencies run one way, top to bottom; a package never
 * imports one listed above it.
 * <pre>
 *   io.mvmci              Main, Spring wiring (depends on everything below)
 *   io.mvmci.api          HTTP: SPEC §1 endpoints, /api/v1, problem+json
 *   io.mvmci.worker       embedded and remote workers, claims, heartbeats, reaper
 *   io.mvmci.job          the job service: submit, read, list, stats, cancel
 *   io.mvmci.replication  Apache Ratis: server, thin state machine, group commit, reads
 *   io.mvmci.store        SQLite: migrations, the command processor (apply), queries, snapshots
 *   io.mvmci.command      the replicated command envelope and its binary codec
 *   io.mvmci.workflow     the Chicory engine, host ABI, journal, module registry
 *   io.mvmci.config       node configuration (TOML), validation, environment overrides
 * </pre>
 * {@code workflow} and {@code config} are leaves: neither knows about Raft or HTTP.
 */
package io.mvmci;
