/**
 * The workflow engine: runs WebAssembly workflow modules (host ABI version 1,
 * workflows/README.md) on Chicory as durable runs, journaling every side effect to local
 * SQLite and resuming crashed runs by replay. Read DESIGN.md next to this file first.
 *
 * <p>A leaf package: it depends on no other mvm-ci package, nor on Raft, HTTP controllers or
 * Spring. The queue and workers use {@link io.mvmci.workflow.ModuleRegistry},
 * {@link io.mvmci.workflow.WorkflowEngine} and {@link io.mvmci.workflow.ProgressSink}.
 */
package io.mvmci.workflow;
