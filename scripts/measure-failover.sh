#!/usr/bin/env bash
# Failover time, mvm-ci against etcd: in each round, SIGKILL the leader of a three-member cluster on
# loopback and time until a survivor accepts a write (mvm-ci: POST /new-job answers 201; etcd: a v3 put
# through its HTTP gateway, timed by $PEERS/etcd-failover.sh). Prints every round and a
# table of min / median / max for both, with the ratio.
#
# usage: scripts/measure-failover.sh [ROUNDS]        (default 5)
# environment:
#   SYSTEMS="mvmci etcd"   which to measure (default both)
#   WARMUP=n               writes to warm each mvm-ci JVM before the first round (default 300)
#   JAR, JAVA_OPTS, KEEP   as for scripts/test-cluster.sh, but KEEP=fail by default
#   PEERS=dir              where etcd3.sh and etcd-failover.sh live (default: shared/peers beside
#                          this repository, i.e. <repository>/../shared/peers)
#   ETCD_PORT_WAIT_S=n     how long to wait for etcd3.sh's fixed ports if another run holds them (600)
#   ETCD_PROBE_TIMEOUT=s   curl's timeout per put attempt in etcd-failover.sh (its own: 1 s, which
#                          rounds its figures up to whole seconds; 0.1 gives ~0.1 s resolution)
#   EXTRA_TOML=...         appended to each mvm-ci node file, e.g. $'[raft]\nelection_timeout_min_ms = 300'
#   RAFT_TRACE=1           log Ratis role changes and split each mvm-ci round into: a survivor turns
#                          candidate, a survivor turns leader, the write is accepted. (Not TRACE:
#                          Spring Boot reads TRACE=1 from the environment and logs everything.)
#
# mvm-ci: one cluster for all rounds; after each kill the dead node is restarted and caught up before
# the next round. etcd: a fresh cluster per round (etcd3.sh start; etcd-failover.sh; etcd3.sh stop),
# on etcd3.sh's fixed ports 23791-23793 and 23801-23803.
set -euo pipefail
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"

ROUNDS=${1:-5}
START_TIMEOUT=${START_TIMEOUT:-300} # JVM start-up on a busy two-core machine
KEEP=${KEEP:-fail} # the logs of a failed run are the only way to tell why
if [ "${RAFT_TRACE:-}" = 1 ]; then
  JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC} -Dlogging.level.org.apache.ratis.server=INFO"
fi
SYSTEMS=${SYSTEMS:-mvmci etcd}
WARMUP=${WARMUP:-300}
PEERS=${PEERS:-$(cd "$ROOT/.." && pwd)/shared/peers} # ROOT: the repository, from lib/cluster.sh
ETCD_PORT_WAIT_S=${ETCD_PORT_WAIT_S:-600}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, not '$ROUNDS'"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mvmci-failover.XXXXXX")
ETCD_DIR=""
cleanup() {
  local status=$?
  set +e
  [ -n "$ETCD_DIR" ] && [ -d "$ETCD_DIR" ] && "$PEERS/etcd3.sh" stop "$ETCD_DIR" >/dev/null 2>&1
  cluster_cleanup "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# min median max of the numbers given (ms)
stats() {
  printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {
    m = (NR % 2) ? v[(NR+1)/2] : int((v[NR/2] + v[NR/2+1]) / 2); print v[1], m, v[NR]}'
}

# Waits until every node has applied the same index (a restarted node has caught up).
await_same_applied() {
  local deadline=$(($(now_ms) + $1 * 1000)) a b c
  while :; do
    a=$(applied_index 1 || echo x) b=$(applied_index 2 || echo y) c=$(applied_index 3 || echo z)
    [ "$a" = "$b" ] && [ "$b" = "$c" ] && return 0
    [ "$(now_ms)" -lt "$deadline" ] || die "applied indexes did not converge within $1 s ($a $b $c)"
    sleep 0.2
  done
}

# About n writes, a third through each node, 4 at a time.
warm() {
  local k
  for k in 1 2 3; do
    seq $(($1 / 3 + 1)) | xargs -P 4 -I{} curl -s -o /dev/null -m 15 -X POST "$(url "$k" /new-job)" \
      -d "url=https://example.com/warm/$k/{}" || true
  done
}

# From the survivors' logs: when the first turned candidate and when one turned leader, after $1.
trace_round() {
  local t0=$1 k line at cand="" lead="" ready="" why=""
  shift
  for k in "$@"; do
    while IFS= read -r line; do
      at=$(date -d "${line%% *}" +%s%3N) || continue
      [ "$at" -ge "$t0" ] || continue
      case $line in
      *"change to CANDIDATE"*)
        if [ -z "$cand" ] || [ "$at" -lt "$cand" ]; then
          cand=$at why="node $k ${line##*lastRpcElapsedTime:}"
        fi ;;
      *"to LEADER"*) if [ -z "$lead" ] || [ "$at" -lt "$lead" ]; then lead=$at; fi ;;
      *"is ready since"*) if [ -z "$ready" ] || [ "$at" -lt "$ready" ]; then ready=$at; fi ;;
      esac
    done < <(grep -E "change to CANDIDATE|changes role from CANDIDATE to LEADER|LeaderStateImpl is ready since" \
      "$WORK/node$k.log")
  done
  say "    trace: first candidate after $((${cand:-t0} - t0)) ms ($why); leader after $((${lead:-t0} - t0)) ms;" \
    "leader ready after $((${ready:-t0} - t0)) ms"
}

# What the nodes think and what the stuck node's threads do, into $WORK, for a failed round.
post_mortem() {
  local k
  for k in 1 2 3; do
    say "node $k: $(curl -s -m 5 "$(url "$k" /api/v1/cluster)" | jq -c 'del(.members)' 2>/dev/null || echo down)"
    node_alive "$k" && jcmd "${PID[k]}" Thread.print >"$WORK/threads$k.txt" 2>&1
  done
  say "thread dumps in $WORK/threads*.txt"
}

measure_mvmci() {
  local r leader survivor t0 t1 elect_file pid elected
  require_tools
  ensure_jar
  say "mvm-ci: starting 3 nodes (load $(loadavg)) ..."
  local t
  t=$(now_ms)
  cluster_start
  await_leader 120 1 2 3 >/dev/null
  say "mvm-ci: up in $(($(now_ms) - t)) ms; warming up with $WARMUP writes ..."
  warm "$WARMUP"
  TERM0=$(term_of "$(await_leader 60 1 2 3)")
  for r in $(seq "$ROUNDS"); do
    await_same_applied 120
    leader=$(await_leader 60 1 2 3)
    survivor=$((leader % 3 + 1)) # the same choice etcd-failover.sh makes
    local others=()
    for k in 1 2 3; do [ "$k" = "$leader" ] || others+=("$k"); done
    elect_file=$WORK/elected.$r
    pid=${PID[leader]}
    kill -9 "$pid"
    t0=$(now_ms)
    # In the background: when the survivors agree on a new leader (election alone, no client path).
    (until l=$(leader_among "${others[@]}") && [ -n "$l" ]; do
      [ $(($(now_ms) - t0)) -lt 60000 ] || exit 0
      sleep 0.02
    done
    echo "$(($(now_ms) - t0)) $l" >"$elect_file") &
    local watcher=$!
    until curl -sf -m 5 -o /dev/null -X POST "$(url "$survivor" /new-job)" -d "url=https://example.com/failover/$r"; do
      [ $(($(now_ms) - t0)) -lt 60000 ] || { post_mortem "$survivor"; die "mvm-ci: no write accepted by node $survivor within 60 s"; }
      sleep 0.01
    done
    t1=$(now_ms)
    wait "$watcher" || true
    { wait "$pid"; } 2>/dev/null || true
    PID[leader]=""
    elected=$(cat "$elect_file" 2>/dev/null || echo "? ?")
    MVMCI+=($((t1 - t0)))
    ELECT+=("${elected%% *}")
    say "mvm-ci round $r: leader node $leader killed; node ${elected##* } elected after ${elected%% *} ms;" \
      "node $survivor accepted a write after $((t1 - t0)) ms (load $(loadavg))"
    [ "${RAFT_TRACE:-}" != 1 ] || trace_round "$t0" "${others[@]}"
    node_start "$leader"
    node_wait_up "$leader" 180
    warm 30
  done
  await_same_applied 120
  TERM1=$(term_of "$(await_leader 60 1 2 3)")
}

term_of() { curl -sf -m 5 "$(url "$1" /api/v1/cluster)" | jq -r .term; }

etcd_ports_busy() {
  local p
  for p in 23791 23792 23793 23801 23802 23803; do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
  done
  return 1
}

await_etcd_ports_free() {
  local deadline=$(($(now_ms) + ETCD_PORT_WAIT_S * 1000)) told=""
  while etcd_ports_busy; do
    [ -n "$told" ] || { say "etcd: ports 23791-23803 are in use (another run of etcd3.sh?); waiting up to ${ETCD_PORT_WAIT_S} s"; told=1; }
    [ "$(now_ms)" -lt "$deadline" ] || die "etcd: ports 23791-23803 stayed busy for ${ETCD_PORT_WAIT_S} s"
    sleep 1
  done
}

# etcd-failover.sh with another curl timeout per attempt. Its own 1 s (-m 1) makes its figures
# whole seconds: an attempt sent during the election is held by etcd and abandoned by curl at 1 s.
etcd_failover_fine() {
  sed -e 's/curl -sf -m 1 /curl -sf -m "$2" /' "$PEERS/etcd-failover.sh"
}

measure_etcd() {
  local r out ms f
  [ -x "$PEERS/etcd3.sh" ] && [ -x "$PEERS/etcd-failover.sh" ] || die "etcd3.sh / etcd-failover.sh not found in $PEERS"
  for r in $(seq "$ROUNDS"); do
    await_etcd_ports_free
    ETCD_DIR=$WORK/etcd$r
    "$PEERS/etcd3.sh" start "$ETCD_DIR" || die "etcd3.sh start failed (logs in $ETCD_DIR)"
    if [ -n "${ETCD_PROBE_TIMEOUT:-}" ]; then
      out=$(timeout 120 bash -c "$(etcd_failover_fine)" _ "$ETCD_DIR" "$ETCD_PROBE_TIMEOUT") || die "etcd failover failed: $out"
    else
      out=$(timeout 120 "$PEERS/etcd-failover.sh" "$ETCD_DIR") || die "etcd-failover.sh failed: $out"
    fi
    ms=$(sed -n 's/.* after \([0-9]*\) ms$/\1/p' <<<"$out")
    [ -n "$ms" ] || die "cannot read the time from etcd-failover.sh: $out"
    ETCD+=("$ms")
    say "etcd   round $r: ${out#etcd: } (load $(loadavg))"
    "$PEERS/etcd3.sh" stop "$ETCD_DIR"
    for f in "$ETCD_DIR"/e*.pid; do
      while kill -0 "$(cat "$f")" 2>/dev/null; do sleep 0.1; done
    done
    ETCD_DIR=""
  done
}

MVMCI=() ELECT=() ETCD=() TERM0=0 TERM1=0
say "measuring $ROUNDS rounds of: $SYSTEMS; $(nproc) cores, load $(loadavg)"
for s in $SYSTEMS; do
  case $s in
  mvmci) measure_mvmci ;;
  etcd) measure_etcd ;;
  *) die "unknown system '$s' in SYSTEMS (mvmci, etcd)" ;;
  esac
done

say
say "SIGKILL of the leader -> first write accepted by a survivor, ms ($ROUNDS rounds; load now $(loadavg))"
printf '%-26s %8s %8s %8s\n' system min median max
if [ ${#MVMCI[@]} -gt 0 ]; then
  read -r m1 m2 m3 <<<"$(stats "${MVMCI[@]}")"
  printf '%-26s %8s %8s %8s\n' mvm-ci "$m1" "$m2" "$m3"
  if [[ ! " ${ELECT[*]} " =~ \? ]]; then
    read -r e1 e2 e3 <<<"$(stats "${ELECT[@]}")"
    printf '%-26s %8s %8s %8s\n' "mvm-ci (new leader known)" "$e1" "$e2" "$e3"
  fi
fi
if [ ${#ETCD[@]} -gt 0 ]; then
  read -r x1 x2 x3 <<<"$(stats "${ETCD[@]}")"
  printf '%-26s %8s %8s %8s\n' etcd "$x1" "$x2" "$x3"
fi
if [ ${#MVMCI[@]} -gt 0 ] && [ ${#ETCD[@]} -gt 0 ]; then
  printf '%-26s %8s %8s %8s\n' "ratio mvm-ci / etcd" \
    "$(awk -v a="$m1" -v b="$x1" 'BEGIN{printf "%.2f", a/b}')" \
    "$(awk -v a="$m2" -v b="$x2" 'BEGIN{printf "%.2f", a/b}')" \
    "$(awk -v a="$m3" -v b="$x3" 'BEGIN{printf "%.2f", a/b}')"
fi
if [ ${#MVMCI[@]} -gt 0 ]; then
  say "mvm-ci rounds: ${MVMCI[*]} ms; target: median <= 1500 ms"
  say "mvm-ci Raft term went from $TERM0 to $TERM1 over $ROUNDS kills" \
    "($((TERM1 - TERM0 - ROUNDS)) terms more than one election per kill: split votes or spurious elections)"
fi
