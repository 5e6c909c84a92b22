#!/usr/bin/env bash
# The dashboard's reads with many retained jobs: starts one node (64 embedded workers), fills it with
# N jobs through the batch API (98 % completed no-ops, 1 % failed pipelines, 1 % delayed and Pending;
# 10 % require label linux, 10 jobs in 10^6 label gpu), then prints p50/p95/p99 of the reads behind the
# jobs page (first, next and middle pages, pages filtered by status, workflow and label, a search by
# id) and the overview (counts, throughput, cluster, workers), and a few others.
# Not part of the test command.
#
#   scripts/bench-reads.sh [jobs (1000000)] [requests per read (300)]
#
# KEEP=DIR keeps the node's data in DIR (reused by the next run: a node that already holds N jobs is
# only measured). Filling 10^6 jobs takes some minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cluster.sh
require_tools
ensure_jar
JOBS=${1:-1000000}
N=${2:-300}
WORK=${KEEP:-$(mktemp -d)}
mkdir -p "$WORK"
if [ -f "$WORK/node.toml" ] && [ -d "$WORK/data/raft" ]; then
  # a kept node keeps its ports: its Raft address is in the replicated configuration
  read -r RAFT_PORT_ HTTP_PORT_ <<<"$(sed -n 's/^nodes = \["1 127.0.0.1:\([0-9]*\) 127.0.0.1:\([0-9]*\)"\]$/\1 \2/p' "$WORK/node.toml")"
else
  read -r HTTP_PORT_ RAFT_PORT_ <<<"$(free_ports 2)"
fi
cat >"$WORK/node.toml" <<TOML
[node]
node_id = 1
data_dir = "$WORK/data"
nodes = ["1 127.0.0.1:$RAFT_PORT_ 127.0.0.1:$HTTP_PORT_"]
listen_addr_raft = "127.0.0.1"
listen_addr_api = "127.0.0.1"

[workers]
embedded = 64
labels = ["linux", "x86", "gpu"]
TOML
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
# shellcheck disable=SC2086 # NODE_OPTS is a list of JVM options
java ${NODE_OPTS:--Xmx1g} -jar "$JAR" --config "$WORK/node.toml" >"$WORK/node.log" 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null; wait $NODE 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
# Up to ten minutes: a loaded machine has taken four to start the node.
for _ in $(seq 1 1200); do
  curl -sf "http://127.0.0.1:$HTTP_PORT_/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 $NODE 2>/dev/null || { echo "the node exited; see $WORK/node.log" >&2; exit 1; }
  sleep 0.5
done
# and until a linearizable read answers (a restarted node may be ready before it has a leader)
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$HTTP_PORT_/queue/stats" >/dev/null 2>&1 && break
  sleep 0.5
done
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.mvmci.dashboard.ReadsBench "http://127.0.0.1:$HTTP_PORT_" "$JOBS" "$N"
ls -la "$WORK/data"/*.sqlite* 2>/dev/null | awk '{print "database:", $5, $9}' || true
