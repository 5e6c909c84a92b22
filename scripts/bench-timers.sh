#!/usr/bin/env bash
# How late durable timers fire, on an idle three-node mvm-ci cluster against Restate, in one run.
#
#   scripts/bench-timers.sh
#   TIMERS=400 SLEEP_MS=5000 RATE=20 scripts/bench-timers.sh
#
# mvm-ci: TIMERS jobs of workflows/testing/waits {"sleep": SLEEP_MS}, submitted at RATE a second to a
# three-node cluster with two embedded slots per node. Each run sleeps longer than
# [jobs] suspend_after_ms, so it gives its slot back and waits; the leader fires its timer. The lag of
# one timer is the time of its wake-up event against the due time the event names (both stamped by
# the leader). Restate: the same number of invocations of a handler that reads ctx.date.now(), sleeps
# with ctx.sleep(SLEEP_MS) (a durable timer) and answers how late it woke.
#
# Environment (all optional): TIMERS (400)  SLEEP_MS (5000)  RATE (20)  KEEP=1  SKIP_RESTATE=1
#   PEERS (default <repository>/../shared/peers)  JAVA_OPTS ("-Xms256m -Xmx1g")
# Requires: java 17, mvn, python3, curl, jq, node and npm.
set -euo pipefail
{
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TIMERS=${TIMERS:-400}
SLEEP_MS=${SLEEP_MS:-5000}
RATE=${RATE:-20}
SKIP_RESTATE=${SKIP_RESTATE:-0}
export EMBEDDED=2
export JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx1g"}
PEERS=${PEERS:-$(cd "$ROOT/.." && pwd)/shared/peers}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-timers.XXXXXX")
RESTATE_DIR=$WORK/restate
# shellcheck source=lib/cluster.sh
. "$ROOT/scripts/lib/cluster.sh"

cleanup() {
  local status=$?
  if [ "$SKIP_RESTATE" != 1 ]; then
    [ -f "$RESTATE_DIR/timers.pid" ] && kill "$(cat "$RESTATE_DIR/timers.pid")" 2>/dev/null
    "$PEERS/restate/restate.sh" stop "$RESTATE_DIR" >/dev/null 2>&1 || true
  fi
  cluster_cleanup "$status"
}
trap cleanup EXIT

require_tools
ensure_jar
cluster_start
await_leader 60 1 2 3 >/dev/null
curl -sf -m 30 -X POST "$(url 1 /api/v1/modules/waits)" -H "Authorization: Bearer $SECRET_API" \
  -H 'Content-Type: application/wasm' --data-binary "@$ROOT/workflows/testing/waits/waits.wasm" >/dev/null \
  || die "deploying the waits workflow failed"

say "mvm-ci: $TIMERS timers of $SLEEP_MS ms, submitted at $RATE/s ..."
python3 - "$TIMERS" "$SLEEP_MS" "$RATE" "$(url 1 '')" "$(url 2 '')" "$(url 3 '')" > "$WORK/mvmci.json" <<'PY'
import json, sys, time, urllib.request
from datetime import datetime
n, sleep_ms, rate, bases = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
def call(url, body=None):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)
ids = []
for i in range(n):
    body = json.dumps({"workflow": "waits", "input": {"sleep": sleep_ms}}).encode()
    ids.append(call(bases[i % 3] + "/api/v1/jobs", body)["job_id"])
    time.sleep(1 / rate)
for i, id in enumerate(ids):
    while call(bases[i % 3] + "/api/v1/jobs/" + id + "?wait_ms=60000")["status"] not in ("Completed", "Failed", "Cancelled"):
        pass
def ms(t):
    return datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() * 1000
lags = []
marker = "its timer was due at "
for i, id in enumerate(ids):
    for e in call(bases[i % 3] + "/api/v1/jobs/" + id + "/events")["events"]:
        r = e["reason"]
        if marker in r:
            due = r[r.index(marker) + len(marker):r.index(";", r.index(marker))]
            lags.append(ms(e["at"]) - ms(due))
lags.sort()
q = lambda p: lags[min(len(lags) - 1, int(len(lags) * p))]
print(json.dumps({"timers": len(lags), "p50_ms": q(0.5), "p99_ms": q(0.99), "max_ms": lags[-1]}))
PY
say "  $(cat "$WORK/mvmci.json")"

if [ "$SKIP_RESTATE" != 1 ]; then
  [ -x "$PEERS/restate/restate.sh" ] || die "no $PEERS/restate/restate.sh (set PEERS)"
  mkdir -p "$RESTATE_DIR"
  "$PEERS/restate/restate.sh" start "$RESTATE_DIR" >/dev/null
  cp "$ROOT/scripts/peers/restate-timers.js" "$RESTATE_DIR/"
  (cd "$RESTATE_DIR" && PORT=9081 node restate-timers.js serve >"$RESTATE_DIR/timers.log" 2>&1 & echo $! >"$RESTATE_DIR/timers.pid")
  sleep 1
  curl -fs -X POST localhost:9070/deployments -H 'content-type: application/json' \
    -d '{"uri":"http://127.0.0.1:9081"}' >/dev/null || die "registering the timers service with Restate failed"
  say "restate: $TIMERS timers of $SLEEP_MS ms at $RATE/s ..."
  (cd "$RESTATE_DIR" && node restate-timers.js load http://127.0.0.1:8080/timers/sleep "$TIMERS" "$SLEEP_MS" "$RATE") \
    > "$WORK/restate.json"
  say "  $(cat "$WORK/restate.json")"
  jq -rn --slurpfile m "$WORK/mvmci.json" --slurpfile r "$WORK/restate.json" \
    '"timer lag p50: mvm-ci \($m[0].p50_ms) ms, Restate \($r[0].p50_ms) ms; p99: mvm-ci \($m[0].p99_ms) ms, Restate \($r[0].p99_ms) ms"'
fi
[ "${KEEP:-0}" = 1 ] && say "work directory: $WORK"
exit 0
}
