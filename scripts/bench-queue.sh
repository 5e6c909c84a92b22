#!/usr/bin/env bash
# Submit throughput of a three-node mvm-ci cluster against a three-member etcd cluster, measured in
# the same run (the machine's load varies, so only the ratio between the two means much).
#
#   scripts/bench-queue.sh                 # build the jar if needed, run, print one table
#   DURATION=20 CLIENTS="1 64" scripts/bench-queue.sh
#
# For each client count it runs, back to back: mvm-ci with every client on the leader; mvm-ci with the
# clients spread over all three nodes (one client: a follower, so the forwarding hop shows); etcd.
# Every mvm-ci request is POST /new-job with a form body url=https://example.com/N; any answer other
# than 201 is counted and reported.
#
# Environment (all optional):
#   DURATION   seconds per measurement (10)
#   WARMUP     least seconds of load before measuring (30); warm-up goes on in 5 s rounds until the JIT
#              compiler threads of the three nodes use less than JIT_SETTLED ms of CPU per second (60),
#              for at most WARMUP_MAX seconds (180)
#   CLIENTS    client counts ("1 16 64")          MODES    mvm-ci modes ("leader spread")
#   JAR        the node jar (target/mvm-ci.jar, built when older than the sources)
#   JAVA_OPTS  JVM options of the nodes ("-Xms256m -Xmx1g")
#   START_TIMEOUT  seconds the nodes may take to start (300; under heavy load they have taken 110)
#   NODE_ARGS  extra arguments of every node, e.g. Spring properties (--server.tomcat.threads.max=64)
#   JFR=1      record Java Flight Recorder files (settings=profile) of every node during each mvm-ci cell
#   THREADS=1  write CPU per thread group of every node for each mvm-ci cell to threads.txt (kept)
#   KEEP=1     keep the work directory (configs, logs, data, JFR files); it is kept anyway on failure
#   SKIP_ETCD=1  measure mvm-ci only (no ratio)
# Requires: java 17, mvn (to build), wrk, python3, curl; etcd comes from /work/shared/peers/etcd3.sh.
set -euo pipefail
# The whole script is one block, so bash reads it all before running it: editing the file during a
# run cannot change the run.
{

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-30}
WARMUP_MAX=${WARMUP_MAX:-180}
JIT_SETTLED=${JIT_SETTLED:-60}
CLIENTS=${CLIENTS:-"1 16 64"}
MODES=${MODES:-"leader spread"}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx1g"}
NODE_ARGS=${NODE_ARGS:-}
START_TIMEOUT=${START_TIMEOUT:-300}
JFR=${JFR:-0}
THREADS=${THREADS:-0}
KEEP=${KEEP:-0}
SKIP_ETCD=${SKIP_ETCD:-0}
PEERS=${PEERS:-/work/shared/peers}
JAR=${JAR:-$ROOT/target/mvm-ci.jar}
LUA=$ROOT/bench/new-job.lua

for tool in java wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench-queue: $tool is not installed (wrk: apt-get install -y wrk)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/bench-queue.XXXXXX)
NODE_PIDS=()
ok=0
cleanup() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do kill -HUP "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -d "$WORK/etcd" ] && "$PEERS/etcd3.sh" stop "$WORK/etcd" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ] || [ "$ok" != 1 ]; then
    echo "bench-queue: work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# --- build ------------------------------------------------------------------------------------------
if [ "$JAR" = "$ROOT/target/mvm-ci.jar" ] && { [ ! -f "$JAR" ] \
    || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]; }; then
  log "building $JAR"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi

# --- mvm-ci cluster -----------------------------------------------------------------------------------
read -r -a PORTS <<<"$(python3 -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()')"
RAFT=("${PORTS[@]:0:3}") HTTP=("${PORTS[@]:3:3}")
SECRET_RAFT="bench-raft-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SECRET_API="bench-api-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
for i in 1 2 3; do
  cat >"$WORK/node$i.toml" <<EOF
[node]
node_id = $i
data_dir = "$WORK/node$i"
secret_raft = "$SECRET_RAFT"
secret_api = "$SECRET_API"
nodes = ["1 127.0.0.1:${RAFT[0]} 127.0.0.1:${HTTP[0]}",
         "2 127.0.0.1:${RAFT[1]} 127.0.0.1:${HTTP[1]}",
         "3 127.0.0.1:${RAFT[2]} 127.0.0.1:${HTTP[2]}"]
listen_addr_raft = "127.0.0.1"
listen_addr_api = "127.0.0.1"
EOF
done

# A copy under another name: a cleanup elsewhere on this shared machine that kills by name
# (pkill -f mvm-ci.jar) has taken down benchmark nodes mid-run, and a rebuild of target/ must not
# change the jar under running nodes.
cp "$JAR" "$WORK/node.jar"
log "starting mvm-ci nodes (http ${HTTP[*]}, raft ${RAFT[*]})"
for i in 1 2 3; do
  # Ratis's RaftServer loggers at INFO log each leader change ("change Leader from n1 to n2 at term 3"),
  # a few lines per election: that is how this script finds the leader.
  # SIGTERM ignored (the JVM keeps an inherited SIG_IGN): something on this shared machine has been
  # sending SIGTERM to benchmark nodes (even under another jar name) mid-run. cleanup uses SIGHUP.
  # shellcheck disable=SC2086
  trap '' TERM
  java $JAVA_OPTS $([ "$JFR" = 1 ] && echo "-XX:StartFlightRecording=name=bench,settings=profile,maxage=30m") \
    -jar "$WORK/node.jar" --config "$WORK/node$i.toml" \
    --logging.level.org.apache.ratis.server.RaftServer=INFO $NODE_ARGS \
    >"$WORK/node$i.log" 2>&1 &
  NODE_PIDS+=($!)
  trap 'exit 130' TERM
done

nodes_alive() {
  local i st
  for i in 0 1 2; do
    if ! kill -0 "${NODE_PIDS[$i]}" 2>/dev/null; then
      st=0; wait "${NODE_PIDS[$i]}" || st=$?
      echo "node $((i + 1)) exited with status $st$([ $st -gt 128 ] && echo " (signal $((st - 128)))"); its log ($WORK/node$((i + 1)).log) ends with:" >&2
      grep -v '^\s*at ' "$WORK/node$((i + 1)).log" | tail -8 >&2
      exit 1
    fi
  done
}
ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/queue/stats"; }
deadline=$((SECONDS + START_TIMEOUT))
for i in 0 1 2; do
  until ready "${HTTP[$i]}"; do
    nodes_alive
    [ $SECONDS -lt $deadline ] || { echo "node $((i + 1)) not ready after $START_TIMEOUT s; see $WORK" >&2; exit 1; }
    sleep 0.5
  done
done

# The leader is the one named by the "change Leader" line with the highest term, in any node's log.
leader_index() {
  local id
  id=$(cat "$WORK"/node?.log | grep -o 'change Leader from [^ ]* to n[0-9]* at term [0-9]*' \
    | awk '$NF + 0 >= t { t = $NF + 0; n = $6 } END { print n }' || true)
  echo $(( ${id#n} - 1 ))
}
leader_changes() { cat "$WORK"/node?.log | grep -c 'changes role from CANDIDATE to LEADER' || true; }
for _ in $(seq 40); do [ "$(leader_index)" -ge 0 ] && break; sleep 0.25; done
L=$(leader_index)
[ "$L" -ge 0 ] || { echo "no node logged that it became leader; see $WORK/node*.log" >&2; exit 1; }
FOLLOWERS=()
for i in 0 1 2; do [ "$i" = "$L" ] || FOLLOWERS+=("$i"); done
log "mvm-ci ready; leader is node $((L + 1))"

# --- etcd cluster ---------------------------------------------------------------------------------------
if [ "$SKIP_ETCD" != 1 ]; then
  for p in 23791 23792 23793 23801 23802 23803; do
    if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$p))!=0)"; then
      echo "port $p is taken (another etcd benchmark running?); not starting etcd" >&2; exit 1
    fi
  done
  log "starting etcd"
  "$PEERS/etcd3.sh" start "$WORK/etcd"
fi

# --- measuring ------------------------------------------------------------------------------------------
# CPU seconds (user+system) used so far by the given pids.
cpu_of() {
  local pid sum=0 t
  for pid in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    sum=$((sum + t))
  done
  echo "$sum"
}
TICK=$(getconf CLK_TCK)
etcd_pids() { cat "$WORK"/etcd/e*.pid 2>/dev/null; }
# /proc/stat: "busy steal total" jiffies of the whole machine.
machine() { awk '/^cpu /{busy=$2+$3+$4+$7+$8; print busy, $9, busy+$5+$6+$9}' /proc/stat; }

# JFR=1: the nodes record from start-up (starting a recording later deoptimises code it instruments,
# which showed up as a burst of JIT work in the measured cell); each cell's last DURATION seconds are
# dumped to NAME-nodeN.jfr.
jfr_dump() {
  [ "$JFR" = 1 ] || return 0
  local pid i=0
  for pid in "${NODE_PIDS[@]}"; do
    i=$((i + 1))
    jcmd "$pid" JFR.dump name=bench begin="-${DURATION}s" filename="$WORK/$1-node$i.jfr" >/dev/null
  done
}

# run_mvm NAME DURATION TARGET:CONNS... -> prints "rps p50 p99 non201 socket_errors"; one wrk per target.
run_mvm() {
  local name=$1 dur=$2; shift 2
  local k=0 spec node conns threads pids=()
  for spec in "$@"; do
    k=$((k + 1)) node=${spec%%:*} conns=${spec##*:}
    threads=$(( conns >= 2 && $# == 1 ? 2 : 1 ))
    WRK_TAG=$k WRK_HIST="$WORK/$name.$k.hist" wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout 10s \
      -s "$LUA" "http://127.0.0.1:${HTTP[$node]}/new-job" >"$WORK/$name.$k.out" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "wrk failed; see $WORK/$name.*.out" >&2; cat "$WORK/$name".*.out >&2; exit 1; }; done
  # Sum the requests; merge the latency distributions and take percentiles of the merged one.
  local pcts
  pcts=$(sort -n "$WORK/$name".*.hist | awk '{ v[NR] = $1; w[NR] = $2; total += $2 }
    END { p50 = p99 = 0; cum = 0
      for (i = 1; i <= NR; i++) { cum += w[i]; if (!p50 && cum >= 0.50 * total) p50 = v[i]; if (!p99 && cum >= 0.99 * total) p99 = v[i] }
      print p50 / 1000, p99 / 1000 }')
  cat "$WORK/$name".*.out | awk -v pcts="$pcts" '
    /^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] += kv[2] }
                split($3, s, "="); if (s[2] > secs) secs = s[2] }
    END { split(pcts, p, " "); printf "%.1f %.3f %.3f %d %d\n", r["requests"] / secs, p[1], p[2], r["non201"], r["socket_errors"] }'
}

# wrk prints latencies as 512.00us, 1.40ms or 1.02s.
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else if (v ~ /m$/) print v * 60000; else print v * 1000 }'; }

run_etcd() {  # run_etcd CONNS DURATION -> "rps p50 p99 non2xx socket_errors"
  local c=$1 dur=$2 t=$(( $1 >= 2 ? 2 : 1 )) out
  out=$(wrk -t"$t" -c"$c" -d"${dur}s" --timeout 10s --latency -s "$PEERS/etcd-put.lua" http://127.0.0.1:23791/v3/kv/put 2>&1) \
    || { echo "$out" >&2; exit 1; }
  echo "$out" >>"$WORK/etcd.out"
  local rps p50 p99 bad errs
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  errs=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  echo "$rps $p50 $p99 ${bad:-0} ${errs:-0}"
}

# measure KIND CONNS DURATION -> "rps p50 p99 bad errs cpu_ms_per_req load1 busy% steal%"
measure() {
  local kind=$1 c=$2 dur=$3 specs=() i pids m0 m1 c0 c1 res
  case $kind in
    leader) specs=("$L:$c") ;;
    spread)
      if [ "$c" -lt 3 ]; then specs=("${FOLLOWERS[0]}:$c")
      else
        local order=("${FOLLOWERS[@]}" "$L")
        for i in 0 1 2; do specs+=("${order[$i]}:$(( c / 3 + (i < c % 3 ? 1 : 0) ))"); done
      fi ;;
  esac
  if [ "$kind" = etcd ]; then pids=$(etcd_pids); else pids="${NODE_PIDS[*]}"; fi
  local all="${NODE_PIDS[*]} $(etcd_pids | tr '\n' ' ')" a0 a1
  # shellcheck disable=SC2086
  c0=$(cpu_of $pids) a0=$(cpu_of $all) m0=$(machine)
  [ "$THREADS" = 1 ] && [ "$kind" != etcd ] && python3 "$ROOT/bench/thread-cpu.py" snap $pids >"$WORK/threads.before"
  if [ "$kind" = etcd ]; then res=$(run_etcd "$c" "$dur"); else res=$(run_mvm "$kind-c$c-$RANDOM" "$dur" "${specs[@]}"); fi
  # shellcheck disable=SC2086
  c1=$(cpu_of $pids) a1=$(cpu_of $all) m1=$(machine)
  if [ "$THREADS" = 1 ] && [ "$kind" != etcd ]; then
    python3 "$ROOT/bench/thread-cpu.py" snap $pids >"$WORK/threads.after"
    { echo "== $kind, $c clients: $res"
      python3 "$ROOT/bench/thread-cpu.py" diff "$WORK/threads.before" "$WORK/threads.after" "$dur" \
        "$(awk -v r="${res%% *}" -v d="$dur" 'BEGIN { print r * d }')"; } >>"$WORK/threads.txt"
  fi
  awk -v res="$res" -v c0="$c0" -v c1="$c1" -v a0="$a0" -v a1="$a1" -v m0="$m0" -v m1="$m1" -v tick="$TICK" \
      -v dur="$dur" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    split(res, r, " "); split(m0, a, " "); split(m1, b, " ")
    reqs = r[1] * dur; tot = b[3] - a[3]
    busy = tot > 0 ? 100 * (b[1] - a[1]) / tot : 0
    servers = tot > 0 ? 100 * (a1 - a0) / tot : 0
    cpu = reqs > 0 ? (c1 - c0) * 1000 / tick / reqs : 0
    steal = tot > 0 ? 100 * (b[2] - a[2]) / tot : 0
    printf "%s %.2f %s %.0f %.0f %.0f\n", res, cpu, load, busy, busy - servers, steal }'
}

# JIT compiler threads' CPU ms so far, over all nodes: warm-up lasts until the JIT has settled.
jit_ms() {
  python3 - "${NODE_PIDS[@]}" <<'EOF'
import os, sys
tick, total = os.sysconf("SC_CLK_TCK"), 0
for pid in sys.argv[1:]:
    if not os.path.isdir(f"/proc/{pid}/task"):
        sys.exit(f"node process {pid} is gone")
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            if "CompilerThre" in open(f"/proc/{pid}/task/{t}/comm").read():
                st = open(f"/proc/{pid}/task/{t}/stat").read()
                f = st[st.rindex(")") + 2:].split()
                total += int(f[11]) + int(f[12])
        except OSError:
            pass
print(total * 1000 // tick)
EOF
}
log "warming up mvm-ci: 5 s rounds (48 clients over all nodes, 64 on the leader, in turn) for at least" \
  "${WARMUP}s, until the JIT compilers use under ${JIT_SETTLED} ms/s, at most ${WARMUP_MAX}s"
warmed=0 round=0
while :; do
  j0=$(jit_ms)
  if [ $((round % 2)) = 0 ]; then w=$(measure spread 48 5); else w=$(measure leader 64 5); fi
  j1=$(jit_ms) round=$((round + 1)) warmed=$((warmed + 5)) jit=$(( (j1 - j0) / 5 ))
  nodes_alive
  log "  warm-up round $round: $(cut -d' ' -f1 <<<"$w") req/s, JIT ${jit} ms/s"
  { [ "$warmed" -ge "$WARMUP" ] && [ "$jit" -lt "$JIT_SETTLED" ]; } && break
  [ "$warmed" -lt "$WARMUP_MAX" ] || { log "  the JIT has not settled; measuring anyway"; break; }
done
if [ "$SKIP_ETCD" != 1 ]; then
  log "warming up etcd for 5s"
  measure etcd 16 5 >/dev/null
fi
# What the idle cluster burns (heartbeats, timers): part of every cell's CPU per request.
i0=$(cpu_of "${NODE_PIDS[@]}"); sleep 5; i1=$(cpu_of "${NODE_PIDS[@]}")
IDLE_MS=$(( (i1 - i0) * 1000 / TICK / 5 ))
changes0=$(leader_changes)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A R
for c in $CLIENTS; do
  for kind in $MODES; do
    log "mvm-ci $kind, $c clients, ${DURATION}s"
    R[$kind,$c]=$(measure "$kind" "$c" "$DURATION")
    jfr_dump "$kind-c$c"
    nodes_alive
  done
  if [ "$SKIP_ETCD" != 1 ]; then
    log "etcd, $c clients, ${DURATION}s"
    R[etcd,$c]=$(measure etcd "$c" "$DURATION")
  fi
done
changes1=$(leader_changes)

# --- report ----------------------------------------------------------------------------------------------
{
  echo
  echo "mvm-ci $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?') vs etcd $(etcd --version 2>/dev/null | awk 'NR==1{print $3}'), ${DURATION}s per cell, $(nproc) cores, load before $LOAD_BEFORE"
  echo "leader: node $((L + 1)); spread: clients split over all three nodes (1 client: a follower)"
  echo
  header="clients"
  for kind in $MODES; do header+=" | mvm-ci $kind req/s p50 p99"; done
  [ "$SKIP_ETCD" = 1 ] || { header+=" | etcd req/s p50 p99"; for kind in $MODES; do header+=" | ratio $kind"; done; }
  echo "$header"
  for c in $CLIENTS; do
    line=$(printf '%7s' "$c")
    for kind in $MODES; do
      read -r rps p50 p99 _ <<<"${R[$kind,$c]}"
      line+=$(printf ' | %8.0f %6.2fms %7.2fms' "$rps" "$p50" "$p99")
    done
    if [ "$SKIP_ETCD" != 1 ]; then
      read -r erps p50 p99 _ <<<"${R[etcd,$c]}"
      line+=$(printf ' | %8.0f %6.2fms %7.2fms' "$erps" "$p50" "$p99")
      for kind in $MODES; do
        read -r rps _ <<<"${R[$kind,$c]}"
        line+=$(awk -v a="$rps" -v b="$erps" 'BEGIN { r = b > 0 ? a / b : 0; printf " | %5.2f", r }')
      done
    fi
    echo "$line"
  done
  echo
  echo "per cell: errors (non-201 / non-2xx, socket) | server CPU ms per request (its 3 processes) | load1 at the end |"
  echo "          machine CPU busy, of which not the six server processes (wrk and everything else), steal"
  for c in $CLIENTS; do
    for kind in $MODES $([ "$SKIP_ETCD" = 1 ] || echo etcd); do
      read -r _ _ _ bad errs cpu load busy others steal <<<"${R[$kind,$c]}"
      printf '  %-7s %3s | %s, %s | %6.2f ms | %5s | %3s%% %3s%% %3s%%\n' "$kind" "$c" "$bad" "$errs" "$cpu" "$load" "$busy" "$others" "$steal"
    done
  done
  echo "warm-up: ${warmed}s; the idle mvm-ci cluster then used ${IDLE_MS} ms of CPU per second"
  echo "leader elections during the measurements: $((changes1 - changes0))"
  [ "$JFR" = 1 ] && echo "JFR recordings (one per node and cell): $WORK/*.jfr"
  [ "$THREADS" = 1 ] && echo "CPU per thread group: $WORK/threads.txt"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/report.txt"

bad_total=0
for k in "${!R[@]}"; do read -r _ _ _ bad errs _ <<<"${R[$k]}"; bad_total=$((bad_total + bad + errs)); done
{ [ "$JFR" = 1 ] || [ "$THREADS" = 1 ]; } && KEEP=1
ok=1
[ "$bad_total" = 0 ] || { echo "bench-queue: $bad_total failed requests (see above)" >&2; exit 1; }
exit
}
