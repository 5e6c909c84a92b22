#!/usr/bin/env bash
# Many live subscribers on one node: submit throughput without, with K subscribers to the event stream
# (each hearing every change), and without again; the node's heap (after a full GC) and resident set
# per subscriber. One node, workers off (each submission is one change). Not part of the test command.
#
#   scripts/bench-sse.sh [subscribers (1000)] [seconds per round (20)] [submitting clients (16)] [query]
#
# A query such as job=job-999999999 makes each subscriber filter (a dashboard's job page): it hears
# nothing of the load, and the cost is the feed's filtering alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cluster.sh
require_tools jcmd
ensure_jar
WORK=$(mktemp -d)
read -r HTTP_PORT_ RAFT_PORT_ <<<"$(free_ports 2)"
cat >"$WORK/node.toml" <<TOML
[node]
node_id = 1
data_dir = "$WORK/data"
nodes = ["1 127.0.0.1:$RAFT_PORT_ 127.0.0.1:$HTTP_PORT_"]
listen_addr_raft = "127.0.0.1"
listen_addr_api = "127.0.0.1"

[workers]
embedded = 0
TOML
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
# shellcheck disable=SC2086 # NODE_OPTS is a list of JVM options
java ${NODE_OPTS:--Xmx512m -XX:+UseSerialGC} -jar "$JAR" --config "$WORK/node.toml" >"$WORK/node.log" 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null; wait $NODE 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$HTTP_PORT_/actuator/health/readiness" >/dev/null 2>&1 && break
  sleep 0.5
done
java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.mvmci.dashboard.StreamsBench "http://127.0.0.1:$HTTP_PORT_" "$NODE" "${1:-1000}" "${2:-20}" "${3:-16}" "${4:-}"
