#!/usr/bin/env bash
# Benchmarks the workflow engine: compile and instantiation costs, compute kernels under
# Chicory and Node.js (V8), host-call, journal and replay costs. Prints a table.
# Not part of the test command. Needs node on the PATH for the V8 column.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xss8m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.mvmci.workflow.EngineBench "$(pwd)"
