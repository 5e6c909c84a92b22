#!/usr/bin/env bash
# A long fault-injection run (the soak): the same run as FaultInjectionProcessTest, the short one of
# the build, with a budget of FAULTS faults instead of about three minutes. Node processes, each in
# its own network namespace when run as root (else on loopback, and the partition faults are
# skipped, said so in the output); the workload, nemesis and checker of src/test/java/io/mvmci/faults
# (read DESIGN.md there). Prints the seed, each fault as it is injected, and the report: operations,
# faults by kind, and each violation with the events around it. Exits non-zero on any violation.
#
#   scripts/soak.sh
#   FAULTS=500 NODES=5 SEED=42 scripts/soak.sh
#
# Environment (all optional):
#   FAULTS (200)   how many faults
#   DURATION       seconds of faults instead of a count (FAULTS is then ignored)
#   NODES (3)      3 or 5 nodes
#   SEED           repeat a run's choices (the nemesis's and the clients'); printed by every run
#   KEEP=1         keep the cluster's directory (configs, logs, databases) for a post-mortem
#   OFFLINE=1      mvn -o (the default when ~/.m2 already holds everything)
# Requires: java 17 and mvn; root, ip and iptables for the partitions.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FAULTS_=${FAULTS:-200}
NODES_=${NODES:-3}
case "$NODES_" in 3|5) ;; *) echo "NODES must be 3 or 5, not $NODES_" >&2; exit 2 ;; esac
SEED_=${SEED:-}
SECONDS_=${DURATION:-0}
[ "$SECONDS_" != 0 ] && FAULTS_=0
# The nodes read their configuration from the environment too (NODES is the member list): keep ours out.
unset NODES FAULTS SEED DURATION
MVN=(mvn -B -q)
[ "${OFFLINE:-1}" = 1 ] && MVN+=(-o)
LOG=$(mktemp -t mvmci-soak.XXXXXX.log)
"${MVN[@]}" test-compile
set +e
"${MVN[@]}" surefire:test -Dtest=FaultInjectionProcessTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmvmci.faults.count="$FAULTS_" -Dmvmci.faults.seconds="$SECONDS_" -Dmvmci.faults.nodes="$NODES_" ${SEED_:+-Dmvmci.faults.seed="$SEED_"} \
  -Dmvmci.cluster.keep="${KEEP:+true}" 2>&1 | tee "$LOG" \
  | grep --line-buffered -E '^(fault|seed|faults|skipped|operations|after the last|violations|VIOLATION|  )|==== fault'
status=${PIPESTATUS[0]}
echo "soak: full output in $LOG"
exit "$status"
