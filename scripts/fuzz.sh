#!/usr/bin/env bash
# Long fuzzing runs (issue 16). `mvn test` only replays the Jazzer targets' committed seeds and sends
# the HTTP fuzz's 2,000 requests; this script fuzzes each Jazzer target for FUZZ_SECONDS, one JVM per
# target (Jazzer fuzzes one test per JVM), then sends HTTP_REQUESTS requests to a real node.
#
#   FUZZ_SECONDS   seconds of coverage-guided fuzzing per target (60)
#   TARGETS        Class#method list, space-separated (every @FuzzTest below)
#   HTTP_REQUESTS  requests of the HTTP fuzz, 0 to skip it (12000)
#   HTTP_SEED      its seed (random; printed, and reproduces a run)
#
# A finding fails its target: Jazzer writes the input to the target's seed directory under
# src/test/resources/.../<Class>Inputs/<method>/ (commit it with the fix: `mvn test` replays it from
# then on). The corpus Jazzer grows is kept in .cifuzz-corpus/ (not committed). Exits non-zero if any
# target or the HTTP fuzz failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
HTTP_REQUESTS=${HTTP_REQUESTS:-12000}
TARGETS=${TARGETS:-"CommandCodecFuzzTest#decode CommandCodecFuzzTest#results SubmissionFuzzTest#form
  SubmissionFuzzTest#json SubmissionFuzzTest#batch ConfigFuzzTest#parse WorkerTicketFuzzTest#decode
  BackupHeaderFuzzTest#read ModuleValidatorFuzzTest#validate"}
MVN=(mvn -o -B -q)

"${MVN[@]}" test-compile || exit 1
failed=()
for target in $TARGETS; do
  echo "== fuzzing $target for ${FUZZ_SECONDS}s"
  log=$(mktemp -t mvmci-fuzz.XXXXXX)
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${FUZZ_SECONDS}s" "${MVN[@]}" surefire:test@fuzz-tests \
      -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    grep -a -E '^#[0-9]+ +DONE|^Done [0-9]+ runs' "$log" | tail -2
  else
    failed+=("$target")
    grep -a -v 'INFO: Instrumented' "$log" | grep -a -E -A12 'FuzzTestFindingException|Exception|crash-' | head -40
    echo "   full log: $log"
  fi
done
if [ "$HTTP_REQUESTS" -gt 0 ]; then
  echo "== HTTP fuzz: $HTTP_REQUESTS requests"
  seed=()
  [ -n "${HTTP_SEED:-}" ] && seed=(-Dmvmci.fuzz.seed="$HTTP_SEED")
  log=$(mktemp -t mvmci-httpfuzz.XXXXXX)
  if "${MVN[@]}" surefire:test -Dtest=ApiFuzzingTest -Dmvmci.fuzz.requests="$HTTP_REQUESTS" "${seed[@]}" \
      >"$log" 2>&1; then
    grep -a 'ApiFuzzingTest:' "$log"
  else
    failed+=("ApiFuzzingTest")
    grep -a -E 'ApiFuzzingTest:|answered|hung|Expecting' "$log" | cut -c1-400 | head -40
    echo "   full log: $log"
  fi
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all fuzz targets passed"
