#!/usr/bin/env bash
# Starts a three-node mvm-ci cluster of local processes on free loopback ports, submits a job to node 1
# and finds it in the very next list of nodes 2 and 3 (SPEC §1), kills the leader with SIGKILL, checks
# that the others elect a new one and take writes within a bound, restarts the killed node and checks
# that it catches up. Cleans up after itself (also on failure or Ctrl-C); exits non-zero on any failure.
#
# usage: scripts/test-cluster.sh
# environment:
#   JAR=path               the node jar (default target/mvm-ci.jar, built if missing)
#   JAVA_OPTS=...          JVM options per node (default -Xmx256m -XX:+UseSerialGC, and Ratis's
#                          elections logged at INFO, printed with each log's tail on a failure)
#   FAILOVER_BOUND_MS=n    most time from SIGKILL to a survivor's 201 (default 10000)
#   CATCHUP_BOUND_S=n      most time for the restarted node to hold what the others hold (default 90)
#   KEEP=1 | KEEP=fail     keep the temporary directory (configs, data, logs) always | on failure
set -euo pipefail
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC -Dlogging.level.org.apache.ratis.server=INFO}
# shellcheck source=lib/cluster.sh
. "$(dirname "$0")/lib/cluster.sh"

FAILOVER_BOUND_MS=${FAILOVER_BOUND_MS:-10000}
CATCHUP_BOUND_S=${CATCHUP_BOUND_S:-90}

require_tools
ensure_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mvmci-test-cluster.XXXXXX")
trap cluster_cleanup EXIT
trap 'exit 130' INT TERM

t=$(now_ms)
cluster_start
say "started 3 nodes in $(($(now_ms) - t)) ms: http ports ${HTTP[1]} ${HTTP[2]} ${HTTP[3]}, raft ports ${RAFT[1]} ${RAFT[2]} ${RAFT[3]} ($WORK)"
t=$(now_ms)
leader=$(await_leader 60 1 2 3)
say "node $leader leads ($(($(now_ms) - t)) ms after every node answered)"

# SPEC §1: a job submitted to node 1 is in the very next /queue/list of nodes 2 and 3.
say
say "\$ curl -X POST http://127.0.0.1:${HTTP[1]}/new-job -d \"url=https://example.com\""
reply=$(curl -sS -m 15 -X POST "$(url 1 /new-job)" -d "url=https://example.com") || die "POST /new-job on node 1 failed"
say "$reply"
job=$(jq -er .job_id <<<"$reply") || die "node 1 did not answer with a job: $reply"
for i in 2 3; do
  say "\$ curl http://127.0.0.1:${HTTP[i]}/queue/list | jq -r '.[] | \"\\(.job_id): \\(.status)\"'"
  curl -sf -m 15 "$(url "$i" /queue/list)" | jq -r '.[] | "\(.job_id): \(.status)"' ||
    die "GET /queue/list on node $i failed"
  curl -sf -m 15 "$(url "$i" /queue/list)" |
    jq -e --arg id "$job" 'any(.[]; .job_id == $id and .url == "https://example.com")' >/dev/null ||
    die "$job, acknowledged by node 1, is not in the next /queue/list of node $i"
done
say "ok: $job is in the very next list of nodes 2 and 3"

# Failover: SIGKILL the leader; a survivor must take a write within the bound.
say
survivors=()
for i in 1 2 3; do [ "$i" = "$leader" ] || survivors+=("$i"); done
probe=${survivors[0]}
node_kill9 "$leader"
t0=$(now_ms)
say "killed node $leader (the leader) with SIGKILL"
until job=$(submit "$probe" "https://example.com/after-failover"); do
  [ $(($(now_ms) - t0)) -lt "$FAILOVER_BOUND_MS" ] ||
    die "no write accepted by node $probe within ${FAILOVER_BOUND_MS} ms of the leader's death"
  sleep 0.01
done
failover_ms=$(($(now_ms) - t0))
# a first try can also succeed late: the node holds a write for up to its own timeout (10 s)
[ "$failover_ms" -le "$FAILOVER_BOUND_MS" ] ||
  die "node $probe accepted $job ${failover_ms} ms after the leader's death, beyond the bound of ${FAILOVER_BOUND_MS} ms"
new_leader=$(await_leader 30 "${survivors[@]}")
[ "$new_leader" != "$leader" ] || die "node $leader still named leader after it was killed"
say "ok: node $new_leader leads; node $probe accepted $job ${failover_ms} ms after the kill (bound ${FAILOVER_BOUND_MS} ms)"
other=${survivors[1]}
submit "$other" "https://example.com/on-the-other-survivor" >/dev/null || die "node $other refused a write"
[ "$(list_ids "$other")" = "$(list_ids "$probe")" ] || die "the survivors list different jobs"

# Restart the killed node: it must catch up with what the others hold.
say
expected=$(list_ids "$probe")
t=$(now_ms)
node_start "$leader"
node_wait_up "$leader" 180
up_ms=$(($(now_ms) - t))
deadline=$(($(now_ms) + CATCHUP_BOUND_S * 1000))
until [ "$(list_ids "$leader" '?consistency=local' 2>/dev/null)" = "$expected" ]; do
  [ "$(now_ms)" -lt "$deadline" ] || die "node $leader did not catch up within ${CATCHUP_BOUND_S} s of answering HTTP:
  it holds   $(list_ids "$leader" '?consistency=local' || echo '?')
  others hold $expected"
  sleep 0.2
done
catchup_ms=$(($(now_ms) - t))
# A linearizable read needs the node to know the leader: right after its restart it can answer 503
# ("Leader is unknown") for a moment, which a client retries, so this does for up to 15 s.
for i in 1 2 3; do
  read_deadline=$(($(now_ms) + 15000))
  until ids=$(list_ids "$i"); do
    [ "$(now_ms)" -lt "$read_deadline" ] || die "GET /queue/list on node $i failed for 15 s after the restart"
    sleep 0.2
  done
  [ "$ids" = "$expected" ] || die "node $i lists $ids, expected $expected"
  total=$(curl -sf -m 15 "$(url "$i" /queue/stats)" | jq .total)
  [ "$total" = "$(jq length <<<"$expected")" ] || die "node $i: /queue/stats total $total, /queue/list has $(jq length <<<"$expected")"
done
say "ok: node $leader restarted (HTTP after ${up_ms} ms) and holds the same $(jq length <<<"$expected") jobs as the others ${catchup_ms} ms after its start"

say
say "timings: failover (SIGKILL to a survivor's 201) ${failover_ms} ms; restart to HTTP ${up_ms} ms; restart to caught up ${catchup_ms} ms"
say "PASS"
