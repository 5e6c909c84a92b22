/**
 * Who may use the worker and administration endpoints: {@code secret_api}, and revocable worker
 * tickets replicated through the log.
 */
package io.mvmci.access;
