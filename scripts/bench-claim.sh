#!/usr/bin/env bash
# Benchmarks a claim's apply cost with worker labels: 10^5 Pending jobs over 20 label sets in a real
# SQLite file, claimed one job per entry by workers whose labels cover 1, several, all or none of the
# sets (io.mvmci.store.ClaimBench). Not part of the test command.
#
#   scripts/bench-claim.sh [pending jobs (100000)] [claims per worker kind (2000)]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.mvmci.store.ClaimBench "$@"
