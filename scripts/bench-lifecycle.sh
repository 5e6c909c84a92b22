#!/usr/bin/env bash
# Job lifecycle benchmark: a three-node mvm-ci cluster against a PostgreSQL FOR UPDATE SKIP LOCKED
# queue, measured side by side in one run (the machine's load varies, so only figures taken together
# compare). Not part of the tests.
#
#   scripts/bench-lifecycle.sh                    # build what is missing, run, print one table
#   JOBS=20000 ROUNDS=1 scripts/bench-lifecycle.sh
#
# 1. Lifecycle throughput: JOBS no-op jobs ("workflow":"noop") submitted through
#    POST /api/v1/jobs/batch (batches of BATCH, CLIENTS concurrent clients, batch i to node i mod 3),
#    timed from the first submission until node 1's /queue/stats shows them all Completed; then every
#    one is checked to have completed exactly once (Completed grew by JOBS and nothing else moved, each
#    job Completed at attempt 1 with no failure, the three engines started exactly JOBS runs). The
#    PostgreSQL queue does the same: the jobs inserted in batches by CLIENTS connections, PG_WORKERS
#    worker threads claiming up to PG_CLAIM with one SKIP LOCKED statement, running a no-op and marking
#    them done in one statement under their attempt numbers. ROUNDS rounds, alternating which system
#    goes first, each once the servers of both systems are quiet (under 150 ms of CPU a second, so
#    PostgreSQL's autovacuum or the nodes' snapshots do not run inside the other's round); the table
#    shows the median.
# 2. Enqueue-to-start latency on the idle systems: LATENCY_JOBS single jobs, one at a time (each
#    after the previous completed and LATENCY_GAP_MS of quiet), spread over the three nodes;
#    started_at - created_at of each. PostgreSQL's workers wait by LISTEN/NOTIFY (PG_WAIT=poll for
#    polling every PG_POLL_MS): mvm-ci's idle workers are woken by the applied submission, not by a
#    timer, so a woken PostgreSQL worker is the like-for-like comparison.
#
# Environment (all optional):
#   JOBS (50000)  ROUNDS (3)  CLIENTS (3)  BATCH (1000, the batch endpoint's most)
#   LATENCY_JOBS (300)  LATENCY_GAP_MS (50)
#   SLOTS         [workers] embedded of each node (128): see the note at write_configs
#   PG_WORKERS (8)  PG_CLAIM (32)  PG_WAIT (notify|poll)  PG_POLL_MS (50)
#   WARMUP_JOBS   jobs per warm-up run (10000); warm-up lasts WARMUP_S (30) at least and until the
#                 nodes' JIT compilers use under JIT_SETTLED (60) ms/s in SETTLED_RUNS (3) runs in a
#                 row, at most WARMUP_MAX_S (600)
#   SYSTEMS       "mvmci,postgres" (default) or one of them
#   JAVA_OPTS     JVM options of the nodes ("-Xms256m -Xmx1g")
#   NODE_ARGS     extra arguments of every node (Spring properties)
#   JFR=1         record each node with Java Flight Recorder (profile settings) from start-up and dump
#                 the recordings at the end into the work directory (kept)
#   JAR           the node jar (target/mvm-ci.jar, built when older than the sources)
#   KEEP=1        keep the work directory (kept anyway on failure)
#   WAIT_OTHERS   seconds to wait for other benchmarks on this machine to finish (3600); 0 skips the
#                 check (a smoke test of the script, not a measurement)
# Requires: java 17, mvn, python3, curl, PostgreSQL 15 binaries in /usr/local/bin (or PG_BIN).
set -euo pipefail
# One block, so bash reads the whole script before running it: editing it mid-run changes nothing.
{

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JOBS=${JOBS:-50000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-3}
BATCH=${BATCH:-1000}
LATENCY_JOBS=${LATENCY_JOBS:-300}
LATENCY_GAP_MS=${LATENCY_GAP_MS:-50}
SLOTS=${SLOTS:-128}
PG_WORKERS=${PG_WORKERS:-8}
PG_CLAIM=${PG_CLAIM:-32}
PG_WAIT=${PG_WAIT:-notify}
PG_POLL_MS=${PG_POLL_MS:-50}
WARMUP_JOBS=${WARMUP_JOBS:-10000}
WARMUP_S=${WARMUP_S:-30}
WARMUP_MAX_S=${WARMUP_MAX_S:-600}
JIT_SETTLED=${JIT_SETTLED:-60}
SETTLED_RUNS=${SETTLED_RUNS:-3}
SYSTEMS=${SYSTEMS:-mvmci,postgres}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx1g"}
NODE_ARGS=${NODE_ARGS:-}
JFR=${JFR:-0}
JFR_OPTS=()
[ "$JFR" = 1 ] && JFR_OPTS=("-XX:StartFlightRecording=name=bench,settings=profile,maxage=30m")
KEEP=${KEEP:-0}
WAIT_OTHERS=${WAIT_OTHERS:-3600}
PG_BIN=${PG_BIN:-/usr/local/bin}
JAR=${JAR:-$ROOT/target/mvm-ci.jar}

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
for tool in java mvn python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench-lifecycle: $tool is not installed" >&2; exit 2; }
done
case ",$SYSTEMS," in *,postgres,*)
  for b in initdb pg_ctl postgres; do
    [ -x "$PG_BIN/$b" ] || { echo "bench-lifecycle: $PG_BIN/$b is missing (PostgreSQL 15 binaries; set PG_BIN)" >&2; exit 2; }
  done ;;
esac

# --- wait until no other benchmark runs: figures taken beside one are worthless ----------------------
others() { pgrep -fa 'bench-queue|measure-failover|etcd|wrk' || true; }
waited=0
while [ "$WAIT_OTHERS" != 0 ] && [ -n "$(others)" ]; do
  [ "$waited" = 0 ] && { log "another benchmark is running; waiting for it (polling every 30 s, at most ${WAIT_OTHERS}s):"; others | cut -c1-160 >&2; }
  [ "$waited" -lt "$WAIT_OTHERS" ] || { echo "bench-lifecycle: other benchmarks still running after ${WAIT_OTHERS}s" >&2; exit 1; }
  sleep 30; waited=$((waited + 30))
done

# --- build ---------------------------------------------------------------------------------------------
if [ "$JAR" = "$ROOT/target/mvm-ci.jar" ] && { [ ! -f "$JAR" ] \
    || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]; }; then
  log "building $JAR"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
CP_FILE=$ROOT/target/bench.classpath
if [ ! -f "$CP_FILE" ] || [ ! -f "$ROOT/target/test-classes/io/mvmci/lifecycle/LifecycleBench.class" ] \
    || [ -n "$(find "$ROOT/src/bench" "$ROOT/pom.xml" -newer "$CP_FILE" -print -quit)" ]; then
  log "compiling the harness (src/bench/java, -Pbench)"
  (cd "$ROOT" && mvn -B -q -Pbench -DskipTests test-compile \
    && mvn -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE")
fi

WORK=$(mktemp -d /tmp/bench-lifecycle.XXXXXX)
chmod 755 "$WORK"
declare -a PID HTTP
PG_DATA=$WORK/pg/data
ok=0
cleanup() {
  local pid
  if [ "$JFR" = 1 ]; then
    for i in 0 1 2; do
      [ -n "${PID[$i]:-}" ] && jcmd "${PID[$i]}" JFR.dump name=bench filename="$WORK/node$((i + 1)).jfr" >/dev/null 2>&1 || true
    done
  fi
  for pid in "${PID[@]}"; do kill -HUP "$pid" 2>/dev/null || true; done
  for pid in "${PID[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "$KEEP" = 1 ] || [ "$JFR" = 1 ] || [ "$ok" != 1 ]; then
    echo "bench-lifecycle: work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# PostgreSQL refuses to run as root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

read -r -a PORTS <<<"$(python3 -c "
import socket
socks = [socket.socket() for _ in range(7)]
for s in socks: s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()")"
PG_PORT=${PORTS[6]}
secret() { echo "bench-$1-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

# [workers] embedded: a slot is held from the claim until the completion is accepted: two Raft
# commits plus the run. On a CPU-bound cluster a commit waits for the entry in flight ahead of it, so a
# cycle takes tens of ms (Little's law: ~60-75 ms at ~1,300 jobs/s per node with 128 slots), and more
# slots also make bigger group-commit entries, which cost less CPU per job. Measured on 2 cores
# (one round each): 32 slots 2,191 jobs/s (15 commands per entry), 64 3,207 (31), 128 3,703-3,968 (54).
# Slots cost a permit each (no thread while the run waits to be claimed or acknowledged); each run
# has a pooled thread while it runs.
write_configs() {
  local i secret_raft secret_api
  secret_raft=$(secret raft) secret_api=$(secret api)
  for i in 0 1 2; do HTTP[$i]=${PORTS[$((3 + i))]}; done
  for i in 1 2 3; do
    cat >"$WORK/node$i.toml" <<EOF
[node]
node_id = $i
data_dir = "$WORK/node$i"
secret_raft = "$secret_raft"
secret_api = "$secret_api"
nodes = ["1 127.0.0.1:${PORTS[0]} 127.0.0.1:${HTTP[0]}",
         "2 127.0.0.1:${PORTS[1]} 127.0.0.1:${HTTP[1]}",
         "3 127.0.0.1:${PORTS[2]} 127.0.0.1:${HTTP[2]}"]
listen_addr_raft = "127.0.0.1"
listen_addr_api = "127.0.0.1"

[workers]
embedded = $SLOTS
# No-op runs need one page of memory. Admission counts each run as 2 x this cap + 3 x the largest
# step + 2 MiB against half the heap: with 1 MiB and 64 KiB, a 1 GiB heap admits 122 of 128 slots
# (the node logs the number), where the 64 MiB default would admit 3.
memory_limit_mb = 1

[jobs]
max_step_bytes = 65536
EOF
  done
}

NODE_PIDS="" NODE_URLS=""
case ",$SYSTEMS," in *,mvmci,*)
  write_configs
  # A copy of the jar: a rebuild of target/ must not change the jar under running nodes.
  cp "$JAR" "$WORK/node.jar"
  log "starting mvm-ci: http ${HTTP[*]}, raft ${PORTS[*]:0:3}, $SLOTS worker slots per node"
  for i in 0 1 2; do
    # SIGTERM ignored (the JVM keeps an inherited SIG_IGN): on this shared machine something has sent
    # SIGTERM to benchmark nodes mid-run. cleanup uses SIGHUP.
    trap '' TERM
    # shellcheck disable=SC2086
    java $JAVA_OPTS "${JFR_OPTS[@]}" \
      -jar "$WORK/node.jar" --config "$WORK/node$((i + 1)).toml" $NODE_ARGS >"$WORK/node$((i + 1)).log" 2>&1 &
    PID[$i]=$!
    trap 'exit 130' TERM
  done
  deadline=$((SECONDS + 300))
  for i in 0 1 2; do
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${HTTP[$i]}/queue/stats" 2>/dev/null; do
      kill -0 "${PID[$i]}" 2>/dev/null || { echo "node $((i + 1)) exited; its log ends with:" >&2; tail -20 "$WORK/node$((i + 1)).log" >&2; exit 1; }
      [ $SECONDS -lt $deadline ] || { echo "node $((i + 1)) not ready after 300 s; see $WORK" >&2; exit 1; }
      sleep 0.5
    done
  done
  NODE_PIDS="${PID[0]},${PID[1]},${PID[2]}"
  NODE_URLS="http://127.0.0.1:${HTTP[0]},http://127.0.0.1:${HTTP[1]},http://127.0.0.1:${HTTP[2]}"
  log "mvm-ci ready" ;;
esac

PG_PID="" PG_URL=""
case ",$SYSTEMS," in *,postgres,*)
  mkdir -p "$WORK/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
  log "starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (default durability: fsync on, synchronous_commit on)"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 >"$WORK/pg/initdb.log" 2>&1 \
    || { cat "$WORK/pg/initdb.log" >&2; exit 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg" start >/dev/null \
    || { cat "$WORK/pg/server.log" >&2; exit 1; }
  PG_PID=$(head -1 "$PG_DATA/postmaster.pid")
  PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres?user=postgres"
  log "PostgreSQL ready (postmaster $PG_PID)" ;;
esac

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
set +e
java -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$CP_FILE")" io.mvmci.lifecycle.LifecycleBench \
  --systems="$SYSTEMS" --nodes="$NODE_URLS" --node-pids="$NODE_PIDS" \
  --pg-url="$PG_URL" --pg-pid="$PG_PID" --pg-schema="$ROOT/bench/lifecycle/pg-queue.sql" \
  --jobs="$JOBS" --rounds="$ROUNDS" --clients="$CLIENTS" --batch="$BATCH" \
  --latency-jobs="$LATENCY_JOBS" --latency-gap-ms="$LATENCY_GAP_MS" \
  --pg-workers="$PG_WORKERS" --pg-claim="$PG_CLAIM" --pg-wait="$PG_WAIT" --pg-poll-ms="$PG_POLL_MS" \
  --warmup-jobs="$WARMUP_JOBS" --warmup-s="$WARMUP_S" --warmup-max-s="$WARMUP_MAX_S" \
  --jit-settled="$JIT_SETTLED" --settled-runs="$SETTLED_RUNS" | tee "$WORK/report.txt"
st=${PIPESTATUS[0]}
set -e
{
  echo "mvm-ci $(git -C "$ROOT" describe --always --dirty 2>/dev/null), $SLOTS worker slots per node, nodes: $JAVA_OPTS;" \
    "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'); $(nproc) cores"
  echo "load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$WORK/report.txt"
[ "$st" = 0 ] || { echo "bench-lifecycle: the harness failed (status $st)" >&2; exit "$st"; }
ok=1
exit 0
}
