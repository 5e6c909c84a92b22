#!/usr/bin/env bash
# Benchmarks the queue's apply path alone: one node's CommandProcessor applying no-op job lifecycles
# (submit, claim, complete; entries of 60 commands) to a real SQLite file, without Raft. Prints the
# apply thread's CPU time per job and phase for each round. A change to the schema or to the store's
# writers is judged here in a minute; scripts/bench-lifecycle.sh then confirms it on a cluster.
# Not part of the test command.
#
#   scripts/bench-apply.sh [jobs per round (50000)] [rounds (5)] [round k with a snapshot copy]
#
# With k, round k also copies the database for a Raft snapshot on another thread while it applies
# (QueueStore.backupTo) and prints the copy's time and CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.mvmci.store.ApplyBench "$@"
