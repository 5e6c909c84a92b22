/**
 * Operations: what operators and their tools need around the queue, wired by {@code OpsWiring}.
 *
 * <ul>
 *   <li>{@code health}: the {@code raft} (readiness) and {@code raftLifecycle} (liveness) health
 *       components, decided from Ratis's own view of the division, never from the port.</li>
 *   <li>{@code metrics}: Micrometer meters {@code mvmci_*} for Raft, the queue and the engine,
 *       scraped at {@code /actuator/prometheus}.</li>
 *   <li>{@code security}: {@code [api] token} on the public endpoints and on actuator endpoints
 *       other than health.</li>
 *   <li>{@code backup}: encrypted online backups ({@code POST /api/v1/admin/backup},
 *       {@code mvm-ci backup}) and offline restores into a fresh node ({@code mvm-ci restore}).</li>
 *   <li>{@code consistency}: the members' copies compared at one log index, periodically and on
 *       request ({@code /api/v1/admin/cluster/consistency}, {@code mvm-ci cluster check}); the
 *       verdict without digests at {@code GET /api/v1/cluster/consistency} and on the dashboard
 *       (see DESIGN.md, "Consistency checks").</li>
 *   <li>{@link io.mvmci.ops.LeadershipHandover}: a stopping leader hands leadership over first;
 *       {@link io.mvmci.ops.LogSettings}: node id on every log line, JSON logs on request.</li>
 * </ul>
 * Depends on {@code api} (the resolved {@code secret_api}) and the packages below it; nothing below
 * depends on it.
 */
package io.mvmci.ops;
