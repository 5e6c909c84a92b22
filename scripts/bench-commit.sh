#!/usr/bin/env bash
# Benchmarks one Raft commit alone: sequential commands on the leader of a group of the product's Raft
# nodes (Ratis, the queue's state machine, SQLite, mutual TLS on loopback) in one JVM, without HTTP or
# workers: the floor under a run's step and a lone client's write. Prints the latency (p50, p90, p99)
# and the CPU time a commit costs all the members together, for a group of one and of three, and the
# threads that used the most, for two kinds of command in turn: a job's submission, and a step
# appended to a claimed job's history as a run appends them. A change to the write path, or a Ratis
# setting, is judged here in a minute; scripts/bench-queue.sh and scripts/bench-steps.sh then confirm
# it on processes.
# Not part of the test command.
#
#   scripts/bench-commit.sh [commits per round (3000)] [rounds (5)] [group sizes (1,3)] [kinds (submit,step)]
#   JAVA_OPTS="-XX:+UseSerialGC" scripts/bench-commit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.mvmci.replication.CommitBench "$@"
