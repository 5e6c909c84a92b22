#!/usr/bin/env bash
# Submit throughput of a three-node mvm-ci cluster against a three-member etcd cluster, measured in
# the same run: the machine's load varies, so only figures taken side by side compare.
#
#   scripts/bench-queue.sh                 # build the jar if needed, run, print one table
#   DURATION=20 CLIENTS="1 64" scripts/bench-queue.sh
#   JARS="/tmp/base.jar target/mvm-ci.jar" scripts/bench-queue.sh   # A/B: both clusters, cell by cell
#
# For each client count it runs, back to back: mvm-ci with every client on the leader; mvm-ci with the
# clients spread over all three nodes (one client: a follower, so the forwarding hop shows); etcd.
# With several jars, each runs its own cluster (all started, all warmed up) and every cell is measured
# on each in turn before the next cell. Every mvm-ci request is POST /new-job with a form body
# url=https://example.com/N; any answer other than 201 is counted, reported, and fails the run.
#
# Environment (all optional):
#   DURATION   seconds per measurement (10)
#   WARMUP     least seconds of load per cluster before measuring (30); warm-up goes on in 5 s rounds
#              until the JIT compiler threads of every cluster use less than JIT_SETTLED ms of CPU per
#              second (60), for at most WARMUP_MAX seconds per cluster (240)
#   CLIENTS    client counts ("1 16 64")          MODES    mvm-ci modes ("leader spread")
#   JARS       node jars, one cluster each (target/mvm-ci.jar, built when older than the sources);
#              LABELS names them in the table (default: the file names, or "mvm-ci" for one jar)
#   JAVA_OPTS  JVM options of the nodes ("-Xms256m -Xmx1g")
#   NODE_ARGS  extra arguments of every node, e.g. Spring properties (--server.tomcat.threads.max=64)
#   START_TIMEOUT  seconds the nodes may take to start (300; under heavy load they have taken 110)
#   JFR=1      record with Java Flight Recorder (settings=profile) from start-up; each mvm-ci cell's
#              last DURATION seconds are dumped to <label>-<mode>-c<clients>-node<i>.jfr
#   THREADS=1  write CPU per thread group of every node for each mvm-ci cell to threads.txt
#   KEEP=1     keep the work directory (configs, logs, data); kept anyway on failure, JFR or THREADS
#   SKIP_ETCD=1  measure mvm-ci only (no ratio)
#   ETCD_WAIT  seconds to wait for etcd's fixed ports while another run of etcd3.sh holds them (900)
#   PEERS      the directory of the peer systems' scripts, etcd3.sh and etcd-put.lua (default: shared/peers
#              beside this repository, i.e. <repository>/../shared/peers)
# Requires: java 17, mvn (to build), wrk, python3, curl; etcd comes from $PEERS/etcd3.sh.
set -euo pipefail
# The whole script is one block, so bash reads it all before running it: editing the file during a
# run cannot change the run.
{

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-30}
WARMUP_MAX=${WARMUP_MAX:-240}
JIT_SETTLED=${JIT_SETTLED:-60}
CLIENTS=${CLIENTS:-"1 16 64"}
MODES=${MODES:-"leader spread"}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx1g"}
NODE_ARGS=${NODE_ARGS:-}
START_TIMEOUT=${START_TIMEOUT:-300}
JFR=${JFR:-0}
JFR_OPTS=()
[ "$JFR" = 1 ] && JFR_OPTS=("-XX:StartFlightRecording=name=bench,settings=profile,maxage=30m")
THREADS=${THREADS:-0}
KEEP=${KEEP:-0}
SKIP_ETCD=${SKIP_ETCD:-0}
ETCD_WAIT=${ETCD_WAIT:-900}
PEERS=${PEERS:-$(cd "$ROOT/.." && pwd)/shared/peers}
DEFAULT_JAR=$ROOT/target/mvm-ci.jar
read -r -a JAR_LIST <<<"${JARS:-${JAR:-$DEFAULT_JAR}}"
K=${#JAR_LIST[@]}
if [ -n "${LABELS:-}" ]; then read -r -a LABEL <<<"$LABELS"
elif [ "$K" = 1 ]; then LABEL=(mvm-ci)
else LABEL=(); for j in "${JAR_LIST[@]}"; do b=${j##*/}; LABEL+=("${b%.jar}"); done
fi
LUA=$ROOT/bench/new-job.lua

for tool in java wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench-queue: $tool is not installed (wrk: apt-get install -y wrk)" >&2; exit 2; }
done
[ "$SKIP_ETCD" = 1 ] || [ -x "$PEERS/etcd3.sh" ] \
  || { echo "bench-queue: $PEERS/etcd3.sh not found (set PEERS, or SKIP_ETCD=1)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/bench-queue.XXXXXX)
declare -A PID HTTP   # [k,i]: node i (0-2) of cluster k
declare -a LEAD FOLLOW_A FOLLOW_B
ok=0
all_node_pids() { local k i; for k in $(seq 0 $((K - 1))); do for i in 0 1 2; do [ -z "${PID[$k,$i]:-}" ] || echo "${PID[$k,$i]}"; done; done; }
cleanup() {
  local pid
  for pid in $(all_node_pids); do kill -HUP "$pid" 2>/dev/null || true; done
  for pid in $(all_node_pids); do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    { kill -9 "$pid" && wait "$pid"; } 2>/dev/null || true
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
if [ "$K" = 1 ] && [ "${JAR_LIST[0]}" = "$DEFAULT_JAR" ] && { [ ! -f "$DEFAULT_JAR" ] \
    || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$DEFAULT_JAR" -print -quit)" ]; }; then
  log "building $DEFAULT_JAR"
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi

# --- mvm-ci clusters -----------------------------------------------------------------------------------
read -r -a PORTS <<<"$(python3 -c "
import socket
socks = [socket.socket() for _ in range(6 * $K)]
for s in socks: s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()")"
secret() { echo "bench-$1-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

start_cluster() {  # start_cluster K: writes configs, starts three nodes
  local k=$1 i dir=$WORK/c$1 raft=() secret_raft secret_api
  mkdir -p "$dir"
  # A copy under another name: a cleanup elsewhere on this shared machine that kills by name
  # (pkill -f mvm-ci.jar) has taken down benchmark nodes mid-run, and a rebuild of target/ must not
  # change the jar under running nodes.
  cp "${JAR_LIST[$k]}" "$dir/node.jar"
  for i in 0 1 2; do raft+=("${PORTS[$((6 * k + i))]}"); HTTP[$k,$i]=${PORTS[$((6 * k + 3 + i))]}; done
  secret_raft=$(secret raft) secret_api=$(secret api)
  for i in 1 2 3; do
    cat >"$dir/node$i.toml" <<EOF
[node]
node_id = $i
data_dir = "$dir/node$i"
secret_raft = "$secret_raft"
secret_api = "$secret_api"
nodes = ["1 127.0.0.1:${raft[0]} 127.0.0.1:${HTTP[$k,0]}",
         "2 127.0.0.1:${raft[1]} 127.0.0.1:${HTTP[$k,1]}",
         "3 127.0.0.1:${raft[2]} 127.0.0.1:${HTTP[$k,2]}"]
listen_addr_raft = "127.0.0.1"
listen_addr_api = "127.0.0.1"

# The submit path only: with workers, every job submitted would also be claimed and run (a crawler
# fetching an unreachable example.com, retried), and that work would share the CPU being measured.
[workers]
embedded = 0
EOF
  done
  log "starting ${LABEL[$k]} (${JAR_LIST[$k]}): http ${HTTP[$k,0]} ${HTTP[$k,1]} ${HTTP[$k,2]}, raft ${raft[*]}"
  for i in 0 1 2; do
    # SIGTERM ignored (the JVM keeps an inherited SIG_IGN): something on this shared machine has
    # sent SIGTERM to benchmark nodes mid-run, even under another jar name. cleanup uses SIGHUP.
    # Ratis's RaftServer loggers at INFO log each leader change ("change Leader from n1 to n2 at
    # term 3"), a few lines per election: that is how this script finds the leader.
    trap '' TERM
    # shellcheck disable=SC2086
    java $JAVA_OPTS "${JFR_OPTS[@]}" \
      -jar "$dir/node.jar" --config "$dir/node$((i + 1)).toml" \
      --logging.level.org.apache.ratis.server.RaftServer=INFO $NODE_ARGS >"$dir/node$((i + 1)).log" 2>&1 &
    PID[$k,$i]=$!
    trap 'exit 130' TERM
  done
}

nodes_alive() {
  local k i st
  for k in $(seq 0 $((K - 1))); do
    for i in 0 1 2; do
      if ! kill -0 "${PID[$k,$i]}" 2>/dev/null; then
        st=0; wait "${PID[$k,$i]}" || st=$?
        echo "${LABEL[$k]} node $((i + 1)) exited with status $st$([ $st -gt 128 ] && echo " (signal $((st - 128)))"); its log ($WORK/c$k/node$((i + 1)).log) ends with:" >&2
        grep -v '^\s*at ' "$WORK/c$k/node$((i + 1)).log" | tail -8 >&2
        exit 1
      fi
    done
  done
}
ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/queue/stats" 2>/dev/null; }

# The leader is the one named by the "change Leader" line with the highest term, in any node's log.
leader_index() {
  local id
  id=$(cat "$WORK/c$1"/node?.log | grep -o 'change Leader from [^ ]* to n[0-9]* at term [0-9]*' \
    | awk '$NF + 0 >= t { t = $NF + 0; n = $6 } END { print n }' || true)
  echo $(( ${id#n} - 1 ))
}
leader_changes() { cat "$WORK"/c*/node?.log | grep -c 'changes role from CANDIDATE to LEADER' || true; }

for k in $(seq 0 $((K - 1))); do start_cluster "$k"; done
deadline=$((SECONDS + START_TIMEOUT))
for k in $(seq 0 $((K - 1))); do
  for i in 0 1 2; do
    until ready "${HTTP[$k,$i]}"; do
      nodes_alive
      [ $SECONDS -lt $deadline ] || { echo "${LABEL[$k]} node $((i + 1)) not ready after $START_TIMEOUT s; see $WORK" >&2; exit 1; }
      sleep 0.5
    done
  done
  for _ in $(seq 40); do [ "$(leader_index "$k")" -ge 0 ] && break; sleep 0.25; done
  LEAD[$k]=$(leader_index "$k")
  [ "${LEAD[$k]}" -ge 0 ] || { echo "no node of ${LABEL[$k]} logged a leader; see $WORK/c$k" >&2; exit 1; }
  f=(); for i in 0 1 2; do [ "$i" = "${LEAD[$k]}" ] || f+=("$i"); done
  FOLLOW_A[$k]=${f[0]} FOLLOW_B[$k]=${f[1]}
  log "${LABEL[$k]} ready; leader is node $((LEAD[$k] + 1))"
done

# --- etcd cluster ---------------------------------------------------------------------------------------
if [ "$SKIP_ETCD" != 1 ]; then
  # etcd3.sh has fixed ports, and other people's benchmarks use it too: wait for them to finish.
  etcd_ports_taken() {
    local p
    for p in 23791 23792 23793 23801 23802 23803; do
      python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$p))!=0)" && return 0
    done
    return 1
  }
  waited=0
  while etcd_ports_taken; do
    [ "$waited" = 0 ] && log "etcd's ports (2379x/2380x) are taken, by another run of etcd3.sh; waiting up to ${ETCD_WAIT}s"
    [ "$waited" -lt "$ETCD_WAIT" ] || { echo "etcd's ports are still taken after ${ETCD_WAIT}s" >&2; exit 1; }
    sleep 5; waited=$((waited + 5))
  done
  log "starting etcd"
  "$PEERS/etcd3.sh" start "$WORK/etcd"
fi

# --- measuring ------------------------------------------------------------------------------------------
# CPU ticks (user+system) used so far by the given pids.
cpu_of() {
  local pid sum=0 t
  for pid in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    sum=$((sum + t))
  done
  echo "$sum"
}
TICK=$(getconf CLK_TCK)
etcd_pids() { cat "$WORK"/etcd/e*.pid 2>/dev/null || true; }
cluster_pids() { echo "${PID[$1,0]} ${PID[$1,1]} ${PID[$1,2]}"; }
# /proc/stat: "busy steal total" jiffies of the whole machine.
machine() { awk '/^cpu /{busy=$2+$3+$4+$7+$8; print busy, $9, busy+$5+$6+$9}' /proc/stat; }

jfr_dump() {  # jfr_dump K NAME
  [ "$JFR" = 1 ] || return 0
  local i
  for i in 0 1 2; do
    jcmd "${PID[$1,$i]}" JFR.dump name=bench begin="-${DURATION}s" filename="$WORK/$2-node$((i + 1)).jfr" >/dev/null
  done
}

# run_mvm K NAME DURATION NODE:CONNS... -> "rps p50 p99 non201 socket_errors"; one wrk per node.
run_mvm() {
  local k=$1 name=$2 dur=$3; shift 3
  local n=0 spec node conns threads pids=() p
  for spec in "$@"; do
    n=$((n + 1)) node=${spec%%:*} conns=${spec##*:}
    threads=$(( conns >= 2 && $# == 1 ? 2 : 1 ))
    WRK_TAG=$n WRK_HIST="$WORK/$name.$n.hist" wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout 10s \
      -s "$LUA" "http://127.0.0.1:${HTTP[$k,$node]}/new-job" >"$WORK/$name.$n.out" 2>&1 &
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

# measure K|etcd KIND CONNS DURATION
#   -> "rps p50 p99 bad errs cpu_ms_per_req load1 busy% others% steal%"
measure() {
  local k=$1 kind=$2 c=$3 dur=$4 specs=() i pids m0 m1 c0 c1 a0 a1 res all
  case $kind in
    leader) specs=("${LEAD[$k]}:$c") ;;
    spread)
      if [ "$c" -lt 3 ]; then specs=("${FOLLOW_A[$k]}:$c")
      else
        local order=("${FOLLOW_A[$k]}" "${FOLLOW_B[$k]}" "${LEAD[$k]}")
        for i in 0 1 2; do specs+=("${order[$i]}:$(( c / 3 + (i < c % 3 ? 1 : 0) ))"); done
      fi ;;
  esac
  if [ "$kind" = etcd ]; then pids=$(etcd_pids); else pids=$(cluster_pids "$k"); fi
  all="$(all_node_pids | tr '\n' ' ') $(etcd_pids | tr '\n' ' ')"
  # shellcheck disable=SC2086
  c0=$(cpu_of $pids) a0=$(cpu_of $all) m0=$(machine)
  # shellcheck disable=SC2086
  [ "$THREADS" = 1 ] && [ "$kind" != etcd ] && python3 "$ROOT/bench/thread-cpu.py" snap $pids >"$WORK/threads.before"
  if [ "$kind" = etcd ]; then res=$(run_etcd "$c" "$dur")
  else res=$(run_mvm "$k" "${LABEL[$k]}-$kind-c$c-$RANDOM" "$dur" "${specs[@]}"); fi
  # shellcheck disable=SC2086
  c1=$(cpu_of $pids) a1=$(cpu_of $all) m1=$(machine)
  if [ "$THREADS" = 1 ] && [ "$kind" != etcd ]; then
    # shellcheck disable=SC2086
    python3 "$ROOT/bench/thread-cpu.py" snap $pids >"$WORK/threads.after"
    { echo "== ${LABEL[$k]} $kind, $c clients: $res"
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

# JIT compiler threads' CPU ms so far, over the nodes of cluster K: warm-up lasts until it settles.
jit_ms() {
  # shellcheck disable=SC2046
  python3 - $(cluster_pids "$1") <<'EOF'
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

log "warming up: 5 s rounds per cluster (48 clients over all nodes, 64 on the leader, in turn) for" \
  "at least ${WARMUP}s, until the JIT compilers use under ${JIT_SETTLED} ms/s, at most ${WARMUP_MAX}s"
warmed=0 round=0
while :; do
  settled=1 line=""
  for k in $(seq 0 $((K - 1))); do
    j0=$(jit_ms "$k")
    if [ $((round % 2)) = 0 ]; then w=$(measure "$k" spread 48 5); else w=$(measure "$k" leader 64 5); fi
    j1=$(jit_ms "$k") jit=$(( (j1 - j0) / 5 ))
    [ "$jit" -lt "$JIT_SETTLED" ] || settled=0
    line+=" ${LABEL[$k]} $(cut -d' ' -f1 <<<"$w") req/s, JIT ${jit} ms/s;"
  done
  nodes_alive
  round=$((round + 1)) warmed=$((warmed + 5))
  log "  warm-up round $round:$line"
  { [ "$warmed" -ge "$WARMUP" ] && [ "$settled" = 1 ]; } && break
  [ "$warmed" -lt "$WARMUP_MAX" ] || { log "  the JIT has not settled; measuring anyway"; break; }
done
if [ "$SKIP_ETCD" != 1 ]; then
  log "warming up etcd for 5s"
  measure etcd etcd 16 5 >/dev/null
fi
# What an idle cluster burns (heartbeats, timers): part of every cell's CPU per request.
declare -a IDLE_MS
for k in $(seq 0 $((K - 1))); do
  # shellcheck disable=SC2046
  # shellcheck disable=SC2046 # one argument per pid
  i0=$(cpu_of $(cluster_pids "$k"))
  sleep 5
  # shellcheck disable=SC2046
  i1=$(cpu_of $(cluster_pids "$k"))
  IDLE_MS[$k]=$(( (i1 - i0) * 1000 / TICK / 5 ))
done
changes0=$(leader_changes)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

declare -A R
for c in $CLIENTS; do
  for kind in $MODES; do
    for k in $(seq 0 $((K - 1))); do
      log "${LABEL[$k]} $kind, $c clients, ${DURATION}s"
      R[$k,$kind,$c]=$(measure "$k" "$kind" "$c" "$DURATION")
      jfr_dump "$k" "${LABEL[$k]}-$kind-c$c"
      nodes_alive
    done
  done
  if [ "$SKIP_ETCD" != 1 ]; then
    log "etcd, $c clients, ${DURATION}s"
    R[etcd,$c]=$(measure etcd etcd "$c" "$DURATION")
  fi
done
changes1=$(leader_changes)

# --- report ----------------------------------------------------------------------------------------------
{
  echo
  echo "$(for k in $(seq 0 $((K - 1))); do printf '%s = %s; ' "${LABEL[$k]}" "$( [ "${JAR_LIST[$k]}" = "$DEFAULT_JAR" ] && git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "${JAR_LIST[$k]}")"; done)etcd $(etcd --version 2>/dev/null | awk 'NR==1{print $3}')"
  echo "${DURATION}s per cell, $(nproc) cores, load average before $LOAD_BEFORE"
  echo "leader: all clients on the leader; spread: clients split over all three nodes (1 client: a follower)"
  echo
  header="clients"
  for kind in $MODES; do for k in $(seq 0 $((K - 1))); do header+=" | ${LABEL[$k]} $kind req/s p50 p99"; done; done
  if [ "$SKIP_ETCD" != 1 ]; then
    header+=" | etcd req/s p50 p99"
    for kind in $MODES; do for k in $(seq 0 $((K - 1))); do
      header+=" | ratio$([ "$K" -gt 1 ] && echo " ${LABEL[$k]}" || true) $kind"; done; done
  fi
  echo "$header"
  for c in $CLIENTS; do
    line=$(printf '%7s' "$c")
    for kind in $MODES; do for k in $(seq 0 $((K - 1))); do
      read -r rps p50 p99 _ <<<"${R[$k,$kind,$c]}"
      line+=$(printf ' | %8.0f %6.2fms %7.2fms' "$rps" "$p50" "$p99")
    done; done
    if [ "$SKIP_ETCD" != 1 ]; then
      read -r erps p50 p99 _ <<<"${R[etcd,$c]}"
      line+=$(printf ' | %8.0f %6.2fms %7.2fms' "$erps" "$p50" "$p99")
      for kind in $MODES; do for k in $(seq 0 $((K - 1))); do
        read -r rps _ <<<"${R[$k,$kind,$c]}"
        line+=$(awk -v a="$rps" -v b="$erps" 'BEGIN { r = b > 0 ? a / b : 0; printf " | %5.2f", r }')
      done; done
    fi
    echo "$line"
  done
  echo
  echo "per cell: errors (non-201 / non-2xx, socket) | server CPU ms per request (its 3 processes) | load1 at the end |"
  echo "          machine CPU busy, of which not the server processes (wrk and everything else), steal"
  for c in $CLIENTS; do
    for kind in $MODES; do for k in $(seq 0 $((K - 1))); do
      read -r _ _ _ bad errs cpu load busy others steal <<<"${R[$k,$kind,$c]}"
      printf '  %-24s %3s | %s, %s | %6.2f ms | %5s | %3s%% %3s%% %3s%%\n' "${LABEL[$k]} $kind" "$c" "$bad" "$errs" "$cpu" "$load" "$busy" "$others" "$steal"
    done; done
    if [ "$SKIP_ETCD" != 1 ]; then
      read -r _ _ _ bad errs cpu load busy others steal <<<"${R[etcd,$c]}"
      printf '  %-24s %3s | %s, %s | %6.2f ms | %5s | %3s%% %3s%% %3s%%\n' "etcd" "$c" "$bad" "$errs" "$cpu" "$load" "$busy" "$others" "$steal"
    fi
  done
  echo "warm-up: ${warmed}s per cluster; then idle:$(for k in $(seq 0 $((K - 1))); do printf ' %s %s ms CPU/s;' "${LABEL[$k]}" "${IDLE_MS[$k]}"; done)"
  echo "leader elections during the measurements: $((changes1 - changes0))"
  [ "$JFR" = 1 ] && echo "JFR recordings (one per node and cell): $WORK/*.jfr"
  [ "$THREADS" = 1 ] && echo "CPU per thread group: $WORK/threads.txt"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/report.txt"

bad_total=0
for key in "${!R[@]}"; do read -r _ _ _ bad errs _ <<<"${R[$key]}"; bad_total=$((bad_total + bad + errs)); done
{ [ "$JFR" = 1 ] || [ "$THREADS" = 1 ]; } && KEEP=1
ok=1
[ "$bad_total" = 0 ] || { echo "bench-queue: $bad_total failed requests (see above)" >&2; exit 1; }
exit
}
