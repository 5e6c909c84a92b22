#!/usr/bin/env bash
# The cost of durability: workflows of N durable steps on a three-node mvm-ci cluster against Restate
# (a durable-execution engine with a replicated journal), measured side by side in one run, rounds
# interleaved, because the machine's load moves absolute numbers.
#
#   scripts/bench-steps.sh
#   STEPS=10 JOBS_1=200 JOBS_64=3000 ROUNDS=3 scripts/bench-steps.sh
#
# Each round measures, for each system in turn:
#   - 1 client: JOBS_1 workflows of STEPS steps, one at a time; the figure is the workflow's latency
#     (submit to outcome known to the client), p50 and p99, and per step p50 / STEPS, as load.js reports;
#   - 1 client, 0 steps (a workflow's fixed cost, on every system, so the marginal cost of a step
#     shows: the 10-step p50 less the 0-step p50, over 10);
#   - mvm-ci only, both again with the client on the leader (where a submission's claim rides on it,
#     "eager start"; node 1, the 1-client figure's, may be a follower);
#   - 64 clients: JOBS_64 workflows, 64 at a time; the figure is steps per second.
# mvm-ci: the `steps` workflow (workflows/testing/steps: STEPS journaled now_ms calls, each appended to
# the job's replicated history before the guest sees it), 3 nodes with EMBEDDED embedded workers each,
# the clients spread over the nodes, each job one request that answers when the job has finished
# (POST /api/v1/jobs?wait_ms=; scripts/lib/steps-load.js, the same Node.js fetch client as Restate's
# load.js). Restate: the Node.js service of ../shared/peers/restate (STEPS ctx.run steps), called
# through an ingress, which answers when the workflow ends; on one server (restate.sh,
# the default), or on a three-node cluster of local processes (RESTATE_NODES=3: scripts/lib/
# restate-cluster.sh; logs and partitions replicated to 2 of 3, a majority as mvm-ci's Raft; every
# client calls node 1's ingress, which routes to the partition's leader on whichever node), or both.
# With MVMCI_NODES=1 or both, mvm-ci as a single node too (a cluster of one: each step one fsync in one
# process, as on Restate's single server), with SOLO_EMBEDDED embedded workers, so each peer has its
# like: one process against one server, three nodes against three.
#
# Environment (all optional):
#   STEPS (10)  JOBS_1 (200)  JOBS_64 (3000)  ROUNDS (3)  EMBEDDED (32)
#   WARMUP_JOBS   workflows per warm-up run (1000, 64 at a time); mvm-ci's warm-up lasts WARMUP_S (60)
#                 at least and until the nodes' JIT compilers have used under JIT_SETTLED (100) ms/s in
#                 SETTLED_RUNS (3) runs in a row, at most WARMUP_MAX_S (600); Restate's is PEER_WARMUP_RUNS
#                 (3) runs (its Node.js service compiles too)
#   JAVA_OPTS   JVM options of the nodes ("-Xms256m -Xmx1g")
#   KEEP=1      keep the work directory (configs, logs, data)
#   SKIP_RESTATE=1  mvm-ci only (no ratio)
#   SKIP_MVMCI=1    Restate only (no mvm-ci cluster, no build)
#   RESTATE_NODES   1 (default: one server), 3 (a three-node cluster) or both (each measured in every
#                   round, a ratio against each)
#   MVMCI_NODES     3 (default: the three-node cluster), 1 (a single node, SOLO_EMBEDDED (64) workers)
#                   or both (each measured in every round)
#   PEERS       the peers' scripts (default: <repository>/../shared/peers)
# Requires: java 17, mvn, python3, curl, jq, node and npm (Restate installs from the npm registry).
set -euo pipefail
{
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STEPS=${STEPS:-10}
JOBS_1=${JOBS_1:-200}
JOBS_64=${JOBS_64:-3000}
ROUNDS=${ROUNDS:-3}
WARMUP_JOBS=${WARMUP_JOBS:-1000}
WARMUP_S=${WARMUP_S:-60}
WARMUP_MAX_S=${WARMUP_MAX_S:-600}
JIT_SETTLED=${JIT_SETTLED:-100}
SETTLED_RUNS=${SETTLED_RUNS:-3}
PEER_WARMUP_RUNS=${PEER_WARMUP_RUNS:-3}
export EMBEDDED=${EMBEDDED:-32}
export JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx1g"}
SKIP_RESTATE=${SKIP_RESTATE:-0}
SKIP_MVMCI=${SKIP_MVMCI:-0}
RESTATE_NODES=${RESTATE_NODES:-1}
MVMCI_NODES=${MVMCI_NODES:-3}
export SOLO_EMBEDDED=${SOLO_EMBEDDED:-64}
PEERS=${PEERS:-$(cd "$ROOT/.." && pwd)/shared/peers}
export RESTATE_PEER=$PEERS/restate
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-steps.XXXXXX")
RESTATE_DIR=$WORK/restate
RESTATE3_DIR=$WORK/restate3
# shellcheck source=lib/cluster.sh
. "$ROOT/scripts/lib/cluster.sh"

SYSTEMS=""
measures() { [[ " $SYSTEMS " == *" $1 "* ]]; }

cleanup() {
  local status=$?
  ! measures restate || "$RESTATE_PEER/restate.sh" stop "$RESTATE_DIR" >/dev/null 2>&1 || true
  ! measures restate3 || "$ROOT/scripts/lib/restate-cluster.sh" stop "$RESTATE3_DIR" >/dev/null 2>&1 || true
  cluster_cleanup "$status"
}
trap cleanup EXIT

# The systems measured: mvmci (three nodes), mvmci1 (one node), restate (one server), restate3 (three
# nodes).
case $MVMCI_NODES in
3) MVMCI_SYSTEMS="mvmci" ;;
1) MVMCI_SYSTEMS="mvmci1" ;;
both) MVMCI_SYSTEMS="mvmci mvmci1" ;;
*) die "MVMCI_NODES must be 1, 3 or both (was $MVMCI_NODES)" ;;
esac
case $RESTATE_NODES in
1) SYSTEMS="restate" ;;
3) SYSTEMS="restate3" ;;
both) SYSTEMS="restate restate3" ;;
*) die "RESTATE_NODES must be 1, 3 or both (was $RESTATE_NODES)" ;;
esac
[ "$SKIP_RESTATE" = 1 ] && SYSTEMS=""
[ "$SKIP_MVMCI" = 1 ] || SYSTEMS="$MVMCI_SYSTEMS $SYSTEMS"
[ -n "${SYSTEMS// /}" ] || die "SKIP_RESTATE=1 and SKIP_MVMCI=1 leave nothing to measure"

require_tools
! measures restate || [ -x "$RESTATE_PEER/restate.sh" ] || die "no $RESTATE_PEER/restate.sh (set PEERS)"
if measures mvmci || measures mvmci1; then
  ensure_jar

  # The steps workflow needs one page of memory: a 1 MiB cap (and 64 KiB steps) lets a 1 GiB heap admit
  # every slot (a run counts 2 x the cap + 3 x the largest step + 2 MiB against half the heap).
  export EXTRA_TOML=$'memory_limit_mb = 1\n[jobs]\nmax_step_bytes = 65536\n[raft]\nelection_timeout_min_ms = 500\nelection_timeout_max_ms = 1000\n'
fi
deploy_steps() {
  curl -sf -m 30 -X POST "$(url "$1" /api/v1/modules/steps)" -H "Authorization: Bearer $SECRET_API" \
    -H 'Content-Type: application/wasm' --data-binary "@$ROOT/workflows/testing/steps/steps.wasm" >/dev/null \
    || die "deploying the steps workflow failed"
}
if measures mvmci; then
  cluster_start
  LEADER=$(await_leader 60 1 2 3)
  say "mvm-ci's leader: node $LEADER (the 1-client runs use node 1, then the leader)"
  deploy_steps 1
  URLS="$(url 1 ''),$(url 2 ''),$(url 3 '')"
fi
# The single node: index 4 in cluster.sh's arrays, a cluster of its own.
SOLO=4
if measures mvmci1; then
  solo_write_config $SOLO
  node_start $SOLO
  node_wait_up $SOLO "${START_TIMEOUT:-180}"
  # leader_among maps leader ids to indexes 1-3: ask the single node itself (it leads itself).
  deadline=$(($(now_ms) + 60000))
  until [ "$(curl -sf -m 2 "$(url $SOLO /api/v1/cluster)" | jq -r .role)" = leader ]; do
    [ "$(now_ms)" -lt "$deadline" ] || die "the single node did not lead itself within 60 s"
    sleep 0.1
  done
  say "mvm-ci's single node is up ($SOLO_EMBEDDED embedded workers)"
  deploy_steps $SOLO
fi
mvmci() { node "$ROOT/scripts/lib/steps-load.js" "$URLS" "$@"; }
mvmci1() { node "$ROOT/scripts/lib/steps-load.js" "$(url $SOLO '')" "$@"; }
# The leader now (an election since the start would move it; the figure then says so).
on_leader() {
  local l
  l=$(leader_among 1 2 3 || true)
  [ -n "$l" ] || l=$LEADER
  node "$ROOT/scripts/lib/steps-load.js" "$(url "$l" '')" "$@"
}

if measures restate; then
  # restate.sh's ports are fixed: a server already there (another run's) would be measured instead.
  for port in 8080 9070 9080; do
    ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is taken: is another Restate running?"
  done
  mkdir -p "$RESTATE_DIR"
  "$RESTATE_PEER/restate.sh" start "$RESTATE_DIR" >/dev/null
fi
restate() { node "$RESTATE_DIR/load.js" http://127.0.0.1:8080/steps/run "$@"; }
if measures restate3; then
  say "starting a three-node Restate cluster ..."
  mkdir -p "$RESTATE3_DIR"
  # Both Restates: one npm install serves the two.
  ! measures restate || ln -s "$RESTATE_DIR/node_modules" "$RESTATE3_DIR/node_modules"
  "$ROOT/scripts/lib/restate-cluster.sh" start "$RESTATE3_DIR" >/dev/null || die "the Restate cluster did not start"
fi
restate3() { node "$RESTATE3_DIR/load.js" "$(cat "$RESTATE3_DIR/ingress")" "$@"; }

# CPU ms the JIT compiler threads of the nodes listed have used so far.
jit_ms() {
  local ticks=0 t n
  for n in "$@"; do
    for t in /proc/"${PID[$n]}"/task/*; do
      if grep -q CompilerThre "$t/comm" 2>/dev/null; then
        ticks=$((ticks + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)))
      fi
    done
  done
  echo $((ticks * 1000 / $(getconf CLK_TCK)))
}
# Three JVMs on few cores compile for minutes: after 600 workflows the nodes' JIT compilers still
# used a third of the machine, and steps/s rose from 480 to 840 over the next 6,000. Warm mvm-ci
# until its compilers have settled, as bench-lifecycle.sh does, in several runs in a row: one quiet
# run is noise (a warm-up that stopped at the first run under 100 ms/s, 190 s in at 3,415 steps/s,
# left rounds of 2,951-3,508 steps/s where the same nodes reached 4,000-4,400 minutes later).
# Restate (native code, but its Node.js service is compiled by V8) PEER_WARMUP_RUNS runs.
warm_up() {
  local sys=$1 start j0 t0 line jit elapsed settled=0 i nodes
  case $sys in
  mvmci) nodes="1 2 3" ;;
  mvmci1) nodes=$SOLO ;;
  esac
  if [ -z "${nodes:-}" ]; then
    for i in $(seq "$PEER_WARMUP_RUNS"); do
      line=$("$sys" "$STEPS" "$WARMUP_JOBS" 64)
      say "  $sys warm-up run $i: $(jq -r .steps_per_s <<<"$line") steps/s"
    done
    return
  fi
  start=$(now_ms)
  while true; do
    # shellcheck disable=SC2086 # nodes is a list
    j0=$(jit_ms $nodes); t0=$(now_ms)
    line=$("$sys" "$STEPS" "$WARMUP_JOBS" 64)
    # shellcheck disable=SC2086
    jit=$(( ($(jit_ms $nodes) - j0) * 1000 / ($(now_ms) - t0 + 1) ))
    elapsed=$(( ($(now_ms) - start) / 1000 ))
    if [ "$jit" -lt "$JIT_SETTLED" ]; then settled=$((settled + 1)); else settled=0; fi
    say "  $sys warm-up ${elapsed} s: $(jq -r .steps_per_s <<<"$line") steps/s, JIT ${jit} ms/s"
    [ "$elapsed" -ge "$WARMUP_S" ] && [ "$settled" -ge "$SETTLED_RUNS" ] && break
    if [ "$elapsed" -ge "$WARMUP_MAX_S" ]; then say "  the JIT has not settled; measuring anyway"; break; fi
  done
}
say "warming up: $WARMUP_JOBS workflows a run on each system (mvm-ci, each size: at least $WARMUP_S s, until its JIT"
say "  compilers use under $JIT_SETTLED ms/s in $SETTLED_RUNS runs in a row, at most $WARMUP_MAX_S s; Restate"
say "  $PEER_WARMUP_RUNS runs) ..."
for sys in $SYSTEMS; do warm_up "$sys"; done

RESULTS=$WORK/results.jsonl
for r in $(seq "$ROUNDS"); do
  say "round $r"
  for sys in $SYSTEMS; do
    line=$("$sys" "$STEPS" "$JOBS_1" 1); say "  $sys 1 client:   $line"
    jq -c --arg s "$sys" --argjson r "$r" '. + {system: $s, round: $r}' <<<"$line" >>"$RESULTS"
    line=$("$sys" 0 "$JOBS_1" 1); say "  $sys 0 steps:    $line"
    jq -c --arg s "$sys-0" --argjson r "$r" '. + {system: $s, round: $r}' <<<"$line" >>"$RESULTS"
    if [ "$sys" = mvmci ]; then
      line=$(on_leader "$STEPS" "$JOBS_1" 1); say "  $sys 1 client on the leader: $line"
      jq -c --arg s "$sys-L" --argjson r "$r" '. + {system: $s, round: $r}' <<<"$line" >>"$RESULTS"
      line=$(on_leader 0 "$JOBS_1" 1); say "  $sys 0 steps on the leader:   $line"
      jq -c --arg s "$sys-L0" --argjson r "$r" '. + {system: $s, round: $r}' <<<"$line" >>"$RESULTS"
    fi
    line=$("$sys" "$STEPS" "$JOBS_64" 64); say "  $sys 64 clients: $line"
    jq -c --arg s "$sys" --argjson r "$r" '. + {system: $s, round: $r}' <<<"$line" >>"$RESULTS"
  done
done

python3 - "$RESULTS" "$STEPS" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
steps = int(sys.argv[2])
label = {"mvmci": "mvm-ci (3 nodes)", "mvmci1": "mvm-ci (1 node)", "restate": "Restate (1 node)",
         "restate3": "Restate (3 nodes)"}
def med(system, conc, key):
    v = [r[key] for r in rows if r["system"] == system and r["conc"] == conc]
    return statistics.median(v) if v else None
print()
print(f"medians over {max(r['round'] for r in rows)} rounds, {steps}-step workflows")
for s in label:
    p50 = med(s, 1, "p50_ms")
    if p50 is None:
        continue
    print(f"{label[s]:17} 1 client: workflow p50 {p50:.1f} ms, p99 {med(s, 1, 'p99_ms'):.1f} ms, "
          f"per step {p50 / steps:.2f} ms; 64 clients: {med(s, 64, 'steps_per_s'):.0f} steps/s")
# A workflow's fixed cost (its request, start and end) and a step's marginal cost, each system alike.
for s in label:
    base, full = med(s + "-0", 1, "p50_ms"), med(s, 1, "p50_ms")
    if base is not None and full is not None:
        print(f"{label[s]:17} a 0-step workflow p50 {base:.1f} ms: marginal cost of a step {(full - base) / steps:.2f} ms")
lead, lead0 = med("mvmci-L", 1, "p50_ms"), med("mvmci-L0", 1, "p50_ms")
if lead is not None and lead0 is not None:
    print(f"{'  client on leader':17} workflow p50 {lead:.1f} ms, p99 {med('mvmci-L', 1, 'p99_ms'):.1f} ms, per step "
          f"{lead / steps:.2f} ms; a 0-step job p50 {lead0:.1f} ms; marginal cost of a step {(lead - lead0) / steps:.2f} ms")
def ratio(a, b, targets):
    if med(a, 1, "p50_ms") and med(b, 1, "p50_ms"):
        print(f"ratios {label[a]} / {label[b]}: per-step p50 {med(a, 1, 'p50_ms') / med(b, 1, 'p50_ms'):.2f}"
              f"{' (target <= 1)' if targets else ''}; steps/s at 64 "
              f"{med(a, 64, 'steps_per_s') / med(b, 64, 'steps_per_s'):.2f}{' (target >= 2)' if targets else ''}")
ratio("mvmci", "restate", True)
ratio("mvmci", "restate3", True)
ratio("mvmci1", "restate", True)
ratio("mvmci1", "restate3", False)
ratio("mvmci", "mvmci1", False)
for peer in ("restate", "restate3"):
    if med("mvmci-L", 1, "p50_ms") and med(peer, 1, "p50_ms"):
        print(f"per-step p50, client on the leader / {label[peer]}: {med('mvmci-L', 1, 'p50_ms') / med(peer, 1, 'p50_ms'):.2f}")
ratio("restate3", "restate", False)
EOF
}
