# shellcheck shell=bash
# A three-node mvm-ci cluster of local processes on free loopback ports, for scripts/test-cluster.sh
# and scripts/measure-failover.sh. Source it, set WORK (a directory of its own), then call
# cluster_write_configs, node_start, ... Everything it starts is killed by cluster_cleanup.
# solo_write_config adds a single-node cluster of its own beside it (bench-steps.sh measures both).
#
# Needs: java, curl, jq, python3 (to find free ports). Environment:
#   JAR        the node jar (default: target/mvm-ci.jar, built with mvn if missing)
#   JAVA_OPTS  JVM options for each node (default: -Xmx256m -XX:+UseSerialGC)
#   EXTRA_TOML appended to every node's file, e.g. $'[raft]\nelection_timeout_min_ms = 300\n...'
#   EMBEDDED   embedded workers per node (default 0: the scripts bring their own load)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}
SECRET_RAFT=${SECRET_RAFT:-test-cluster-raft-secret-$RANDOM$RANDOM$RANDOM}
SECRET_API=${SECRET_API:-test-cluster-api-secret-$RANDOM$RANDOM$RANDOM}
declare -a PID HTTP RAFT

now_ms() { date +%s%3N; }
say() { printf '%s\n' "$*"; }
die() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}

require_tools() {
  local t
  for t in java curl jq python3 "$@"; do
    command -v "$t" >/dev/null 2>&1 || die "$t is not installed (needed by $0)"
  done
}

# The jar: $JAR as given, or target/mvm-ci.jar, built if missing or older than pom.xml or src/main.
ensure_jar() {
  if [ -n "${JAR:-}" ]; then
    [ -f "$JAR" ] || die "JAR=$JAR does not exist"
    return 0
  fi
  JAR=$ROOT/target/mvm-ci.jar
  if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$JAR" -print -quit)" ]; then
    say "building $JAR (mvn -B -q package -DskipTests) ..."
    (cd "$ROOT" && mvn -B -q package -DskipTests) || die "the build failed"
  fi
}

# N free loopback ports, all distinct (held open together while they are chosen).
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# Writes $WORK/node$1.toml: node id $2, data in $WORK/data$1, the members' lines $3, $4 embedded workers.
write_node_config() {
  cat >"$WORK/node$1.toml" <<EOF
[node]
node_id = $2
data_dir = "$WORK/data$1"
secret_raft = "$SECRET_RAFT"
secret_api = "$SECRET_API"
nodes = [
$3
]
listen_addr_raft = "127.0.0.1"
listen_addr_api = "127.0.0.1"

[workers]
embedded = $4
${EXTRA_TOML:-}
EOF
}

# The members' line for index $1 and node id $2, from the ports in RAFT, HTTP and STREAM.
member_line() { printf '  "%s 127.0.0.1:%s 127.0.0.1:%s 127.0.0.1:%s"' "$2" "${RAFT[$1]}" "${HTTP[$1]}" "${STREAM[$1]}"; }

# Writes $WORK/node{1,2,3}.toml on fresh ports; HTTP[i], RAFT[i], STREAM[i] (DataStream) hold them.
cluster_write_configs() {
  local ports i members="" sep=""
  read -r -a ports <<<"$(free_ports 9)"
  for i in 1 2 3; do
    RAFT[i]=${ports[$(((i - 1) * 3))]}
    HTTP[i]=${ports[$(((i - 1) * 3 + 1))]}
    STREAM[i]=${ports[$(((i - 1) * 3 + 2))]}
    members+="$sep$(member_line "$i" "$i")"
    sep=$',\n'
  done
  for i in 1 2 3; do write_node_config "$i" "$i" "$members" "${EMBEDDED:-0}"; done
}

# Writes $WORK/node$1.toml for a single-node cluster of its own (node id 1, data in $WORK/data$1), on
# fresh ports; index $1 (4 or more) keeps it apart from the three-node cluster's 1-3 in PID, HTTP and
# RAFT, so node_start, node_wait_up, url and cluster_cleanup serve it too.
solo_write_config() {
  local i=$1 ports
  read -r -a ports <<<"$(free_ports 3)"
  RAFT[i]=${ports[0]}
  HTTP[i]=${ports[1]}
  STREAM[i]=${ports[2]}
  write_node_config "$i" 1 "$(member_line "$i" 1)" "${SOLO_EMBEDDED:-${EMBEDDED:-0}}"
}

url() { printf 'http://127.0.0.1:%s%s' "${HTTP[$1]}" "$2"; }

node_start() {
  local i=$1
  # A copy of our own: a cleanup elsewhere that kills by name (pkill -f mvm-ci.jar) has taken down
  # these nodes on this shared machine, and a rebuild must not change the jar under a running node.
  # We only ever kill our own PIDs.
  [ -e "$WORK/node.jar" ] || cp "$JAR" "$WORK/node.jar"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS -jar "$WORK/node.jar" --config "$WORK/node$i.toml" >>"$WORK/node$i.log" 2>&1 &
  PID[i]=$!
}

node_alive() { [ -n "${PID[$1]:-}" ] && kill -0 "${PID[$1]}" 2>/dev/null; }

# Waits until node $1 answers /api/v1/cluster; fails after $2 seconds or if the process dies.
node_wait_up() {
  local i=$1 deadline=$(($(now_ms) + $2 * 1000))
  local code
  until code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$(url "$i" /api/v1/cluster)") && [ "$code" = 200 ]; do
    [ "$code" != 404 ] || die "node $i has no GET /api/v1/cluster: $JAR predates it; rebuild it"
    node_alive "$i" || die "node $i exited during start-up; its log ($WORK/node$i.log) ends with:
$(tail -n 20 "$WORK/node$i.log")"
    [ "$(now_ms)" -lt "$deadline" ] || die "node $i did not answer HTTP within $2 s (log: $WORK/node$i.log)"
    sleep 0.2
  done
}

# Kill -9 node $1 and wait until it is gone.
node_kill9() {
  local i=$1
  kill -9 "${PID[i]}" 2>/dev/null || true
  { wait "${PID[i]}"; } 2>/dev/null || true
  PID[i]=""
}

# The leader id agreed by every node listed (ids), once the one named says it leads; else empty.
leader_among() {
  local i v id="" l
  for i in "$@"; do
    v=$(curl -sf -m 2 "$(url "$i" /api/v1/cluster)") || return 0
    l=$(jq -r '.leader_id // empty' <<<"$v")
    [ -n "$l" ] || return 0
    [ -z "$id" ] || [ "$id" = "$l" ] || return 0
    id=$l
  done
  [ "$(curl -sf -m 2 "$(url "$id" /api/v1/cluster)" | jq -r .role)" = leader ] && echo "$id"
}

# Waits (up to $1 s) for a leader agreed by the nodes that follow; prints its id.
await_leader() {
  local secs=$1 l
  shift
  local deadline=$(($(now_ms) + secs * 1000))
  while :; do
    l=$(leader_among "$@")
    [ -n "$l" ] && { echo "$l"; return 0; }
    [ "$(now_ms)" -lt "$deadline" ] || die "nodes $* agreed on no leader within $secs s"
    sleep 0.05
  done
}

# POST /new-job on node $1 with url=$2 (curl's default form type); prints the job id on a 201.
submit() {
  local body
  body=$(curl -sS -m "${3:-15}" -o - -w '\n%{http_code}' -X POST "$(url "$1" /new-job)" -d "url=$2") || return 1
  [ "$(tail -n 1 <<<"$body")" = 201 ] || return 1
  sed '$d' <<<"$body" | jq -r .job_id
}

# The job ids in node $1's /queue/list (extra query in $2), as one JSON array.
list_ids() { curl -sf -m 15 "$(url "$1" "/queue/list${2:-}")" | jq -c '[.[].job_id]'; }

applied_index() { curl -sf -m 2 "$(url "$1" /api/v1/cluster)" | jq -r .applied_index; }

cluster_start() {
  local i
  cluster_write_configs
  for i in 1 2 3; do node_start "$i"; done
  for i in 1 2 3; do node_wait_up "$i" "${START_TIMEOUT:-180}"; done
}

# Log lines without the pid and application name Spring Boot puts in each, cut to $1 characters.
short_log_lines() { sed -E 's/^([0-9TZ:.-]+) +([A-Z]+) [0-9]+ --- \[[^]]*\] /\1 \2 /' | cut -c "1-$1"; }

# Kills every node still running and removes $WORK (kept when KEEP=1 or on failure with KEEP=fail).
# For a trap on EXIT; the exit status is $1, or $? when called as the trap itself.
cluster_cleanup() {
  local status=${1:-$?} i
  set +e # a node already dead must not stop the cleanup
  for i in "${!PID[@]}"; do
    [ -n "${PID[i]:-}" ] && kill -9 "${PID[i]}" 2>/dev/null
  done
  wait 2>/dev/null
  if [ "$status" -ne 0 ] && [ -d "${WORK:-}" ]; then
    for i in "${!PID[@]}"; do
      [ -f "$WORK/node$i.log" ] || continue
      # Ratis's elections and leadership (logged at INFO when JAVA_OPTS asks, as test-cluster.sh does)
      echo "---- node $i: Raft roles and leadership (last 25)" >&2
      grep -E 'changes role|change Leader|Lost leadership|round [0-9]+: result|nextIndex|is ready|Follower n[0-9]' \
        "$WORK/node$i.log" | tail -n 25 | short_log_lines 300 >&2
      echo "---- node $i log (last 15 lines, without stack frames and Ratis's settings)" >&2
      grep -v -E '^[[:space:]]+(at |\.\.\. [0-9]+ (common frames|more))|RaftServerConfigKeys|RaftConfigKeys' \
        "$WORK/node$i.log" | tail -n 15 | short_log_lines 600 >&2
    done
  fi
  if [ "${KEEP:-}" = 1 ] || { [ "${KEEP:-}" = fail ] && [ "$status" -ne 0 ]; }; then
    echo "kept $WORK" >&2
  elif [ -n "${WORK:-}" ]; then
    rm -rf "$WORK"
  fi
  return "$status"
}
