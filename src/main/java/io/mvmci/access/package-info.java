/**
 * Who may use the worker and administration endpoints: {@code secret_api}, and revocable worker
 * tickets replicated through the log. A ticket is also a scope: the worker endpoints name a worker
 * that came with one {@code <ticket id>:<worker_id>}, so its holder acts only on its own claims.
 */
package io.mvmci.access;
