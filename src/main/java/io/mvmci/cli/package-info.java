/**
 * The command-line client in the same jar: {@code mvm-ci jobs submit|get|list|logs|cancel|retry},
 * {@code mvm-ci cluster status}, {@code mvm-ci modules list|deploy}. It speaks the public HTTP API and
 * its SSE streams to any node ({@code --url} or {@code MVMCI_URL}, with {@code --token} or
 * {@code MVMCI_TOKEN}), prints tables for people and {@code --json} for scripts, and exits with a
 * status a script can act on ({@link io.mvmci.cli.ClientExit}). It uses nothing of the node: a
 * machine with the jar and a JVM is a client.
 */
package io.mvmci.cli;
