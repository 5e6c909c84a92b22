/**
 * The job domain: statuses and the one table of allowed transitions, ids, and the job record.
 * A leaf package: it knows nothing of storage, Raft or HTTP.
 */
package io.mvmci.job;
