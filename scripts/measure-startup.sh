#!/usr/bin/env bash
# Start-to-ready of one node: from the moment `java` is launched until /actuator/health/readiness
# answers 200, RUNS times, on free loopback ports, with the CPU time the process used until then
# (user + system, all threads: steadier than wall time on a loaded machine). Each run starts a fresh process; the data
# directory is kept between runs (a restart, the common case: a replaced node or a rolling restart)
# unless FRESH=1. Prints each time and the min / median / max.
#
#   JAR         the jar to start (target/mvm-ci.jar)
#   RUNS        how many starts (5)
#   FRESH       1: a new data directory for every start
#   JAVA_OPTS   JVM options ("-Xmx512m")
#   EMBEDDED    [workers] embedded (2)
#   KEEP        1: keep the work directory (its node logs)
#   CDS         1: make a Class Data Sharing archive of JAR first (scripts/cds-archive.sh) and start
#               with it
#
# Measure on an idle machine; a loaded one starts a JVM several times slower.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/target/mvm-ci.jar}
RUNS=${RUNS:-5}
FRESH=${FRESH:-0}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
EMBEDDED=${EMBEDDED:-2}
[ -f "$JAR" ] || { echo "no $JAR: run mvn -B -q package -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d -t mvmci-startup.XXXXXX)
PID=""
cleanup() {
  [ -z "$PID" ] || kill -9 "$PID" 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "work directory: $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
read -r RAFT HTTP < <(python3 -c "
import socket
s=[socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1',0))
print(' '.join(str(x.getsockname()[1]) for x in s))")
if [ "${CDS:-0}" = 1 ]; then
  "$ROOT/scripts/cds-archive.sh" "$JAR" "$WORK/cds" >/dev/null
  NODE_JAR=$WORK/cds/mvm-ci.jar
  JAVA_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$WORK/cds/mvm-ci.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
else
  cp "$JAR" "$WORK/node.jar"
  NODE_JAR=$WORK/node.jar
fi
cat >"$WORK/node.toml" <<TOML
[node]
node_id = 1
data_dir = "$WORK/data"
nodes = ["1 127.0.0.1:$RAFT 127.0.0.1:$HTTP"]
[workers]
embedded = $EMBEDDED
TOML
now_ms() { date +%s%3N; }
times=()
cpus=()
TICK=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$TICK" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$1/stat"; }
for run in $(seq 1 "$RUNS"); do
  [ "$FRESH" = 1 ] && rm -rf "$WORK/data"
  start=$(now_ms)
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$NODE_JAR" --config "$WORK/node.toml" >>"$WORK/node.log" 2>&1 &
  PID=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 "http://127.0.0.1:$HTTP/actuator/health/readiness")" = 200 ]; do
    kill -0 "$PID" 2>/dev/null || { echo "the node exited; see $WORK/node.log" >&2; KEEP=1; exit 1; }
    [ $(( $(now_ms) - start )) -lt 180000 ] || { echo "not ready after 180 s" >&2; KEEP=1; exit 1; }
    sleep 0.05
  done
  took=$(( $(now_ms) - start ))
  cpu=$(cpu_ms "$PID")
  times+=("$took")
  cpus+=("$cpu")
  echo "start $run: ready after $took ms, $cpu ms of CPU"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done
summary() {
  local sorted
  sorted=$(printf '%s\n' "$@" | sort -n)
  echo "min $(echo "$sorted" | head -1), median $(echo "$sorted" | sed -n "$(( ($# + 1) / 2 ))p"), max $(echo "$sorted" | tail -1) ms"
}
echo "start-to-ready over $RUNS starts ($([ "$FRESH" = 1 ] && echo fresh || echo kept) data, $JAVA_OPTS):" \
  "wall $(summary "${times[@]}"); CPU $(summary "${cpus[@]}"); load average $(cut -d' ' -f1 /proc/loadavg)"
