/**
 * Cluster-wide deployment of workflow modules: validated where they are submitted, replicated through
 * the log, compiled on every node in log order.
 */
package io.mvmci.deploy;
