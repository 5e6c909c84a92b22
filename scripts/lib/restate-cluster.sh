#!/usr/bin/env bash
# A three-node Restate cluster of local processes on free loopback ports (no containers), with the
# `steps` service of the Restate peer (svc.js: a handler that runs N journaled ctx.run steps)
# registered, for scripts/bench-steps.sh (RESTATE_NODES=3 or both).
#   restate-cluster.sh start DIR   install (npm, into DIR) if needed, start, provision, register
#   restate-cluster.sh stop DIR    stop everything `start DIR` started
# `start` writes DIR/ingress (the steps endpoint on node 1's ingress, one line) and prints it. Every
# node runs every role (metadata server, admin, worker, log server, ingress) with the replicated
# metadata server and the replicated Bifrost provider; logs and partitions are replicated to 2 of
# the 3 nodes (a majority, as mvm-ci's Raft). Node 1 provisions the cluster; 2 and 3 join it.
#
# Environment: RESTATE_PEER  the peer's files (default: <repository>/../shared/peers/restate)
# Needs: node, npm, curl, python3 (to find free ports).
set -euo pipefail
cmd=${1:?start|stop} dir=${2:?work dir}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
peer=${RESTATE_PEER:-$(cd "$root/.." && pwd)/shared/peers/restate}
# shellcheck source=cluster.sh
. "$root/scripts/lib/cluster.sh" # free_ports

fail() { # a failed start stops what it started
  printf 'restate-cluster: %s\n' "$*" >&2
  [ "$cmd" != start ] || stop
  exit 1
}

# Polls "$@" (a command) every 0.2 s until it succeeds, for at most $1 seconds.
await() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

write_config() { # node fabric ingress admin addresses
  local auto=false
  [ "$1" = 1 ] && auto=true
  cat >"$dir/node$1.toml" <<EOF
node-name = "n$1"
cluster-name = "bench-steps"
base-dir = "$dir/data$1"
roles = ["metadata-server", "admin", "worker", "log-server", "http-ingress"]
auto-provision = $auto
default-replication = 2
listen-mode = "tcp"
bind-address = "127.0.0.1:$2"
advertised-address = "http://127.0.0.1:$2/"
log-disable-ansi-codes = true
disable-telemetry = true

[metadata-client]
type = "replicated"
addresses = [$5]

[bifrost]
default-provider = "replicated"

[ingress]
bind-address = "127.0.0.1:$3"
advertised-ingress-endpoint = "http://127.0.0.1:$3/"

[admin]
bind-address = "127.0.0.1:$4"
EOF
}

start() {
  local p ports=() addresses="" i ingress admin
  [ -f "$peer/package.json" ] || fail "no $peer/package.json (set RESTATE_PEER)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  cp -n "$peer"/package.json "$peer"/svc.js "$peer"/load.js "$dir"/
  local server=$dir/node_modules/@restatedev/restate-server-linux-x64/bin/restate-server
  [ -x "$server" ] || (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null) || fail "npm install failed"
  read -r -a ports <<<"$(free_ports 10)"
  for i in 1 2 3; do
    addresses+="${addresses:+, }\"http://127.0.0.1:${ports[$((i * 3 - 3))]}/\""
  done
  for i in 1 2 3; do
    p=$((i * 3 - 3))
    write_config "$i" "${ports[p]}" "${ports[p + 1]}" "${ports[p + 2]}" "$addresses"
    echo "${ports[p + 2]}" >"$dir/admin$i.port"
    "$server" --no-logo -c "$dir/node$i.toml" >"$dir/node$i.log" 2>&1 &
    echo $! >"$dir/node$i.pid"
  done
  (cd "$dir" && PORT=${ports[9]} exec node svc.js >"$dir/svc.log" 2>&1) &
  echo $! >"$dir/svc.pid"
  for i in 1 2 3; do
    admin=http://127.0.0.1:$(cat "$dir/admin$i.port")
    await 120 curl -fs -m 2 "$admin/health" || fail "node $i's admin API is not healthy after 120 s (see $dir/node$i.log)"
  done
  admin=http://127.0.0.1:${ports[2]}
  await 30 curl -s -m 2 --http2-prior-knowledge -o /dev/null "http://127.0.0.1:${ports[9]}/" || fail "the steps service did not start (see $dir/svc.log)"
  await 60 curl -fs -m 10 -X POST "$admin/deployments" -H 'content-type: application/json' \
    -d "{\"uri\":\"http://127.0.0.1:${ports[9]}\"}" || fail "registering the steps service failed"
  ingress=http://127.0.0.1:${ports[1]}/steps/run
  # A working call through each node's ingress: the partitions have leaders and the logs accept appends.
  for i in 1 2 3; do
    await 120 curl -fs -m 10 -X POST "http://127.0.0.1:${ports[$((i * 3 - 2))]}/steps/run" \
      -H 'content-type: application/json' -d 1 || fail "node $i's ingress does not answer a steps call after 120 s"
  done
  echo "$ingress" >"$dir/ingress"
  echo "$ingress"
}

stop() {
  local f pid
  for f in "$dir"/svc.pid "$dir"/node1.pid "$dir"/node2.pid "$dir"/node3.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
  done
  for f in "$dir"/node1.pid "$dir"/node2.pid "$dir"/node3.pid "$dir"/svc.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    await 30 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case $cmd in
start) start ;;
stop) stop ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
