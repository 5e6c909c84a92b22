#!/bin/sh
# Starts mvm-ci in a container: a node (default) or a remote worker.
#
#   docker-entrypoint.sh [node] [ARGS...]   write the node's TOML from the environment (or use a
#                                           mounted file), then exec the node with ARGS
#   docker-entrypoint.sh worker [ARGS...]   exec `mvm-ci worker ARGS...`
#   docker-entrypoint.sh health             exit 0 if this container's node answers
#                                           /actuator/health with a 2xx (the image's HEALTHCHECK)
#   docker-entrypoint.sh COMMAND [ARGS...]  exec COMMAND (a shell, to look around)
#
# Environment of a node (a variable that is set but empty counts as unset):
#   NODE_ID          this node's id; required with NODES (MVMCI_NODE_ID is accepted too)
#   NODES            every member, "id raft_host:port http_host:port", separated by commas or
#                    newlines; the same on every node. Unset: a single node, id NODE_ID or 1,
#                    on 127.0.0.1 with RAFT_PORT (9000) and HTTP_PORT (3020)
#   SECRET_RAFT      >= 16 chars, the same on every node; required with more than one member
#   SECRET_API       >= 16 chars, the same on every node, not SECRET_RAFT; required likewise
#   ENC_KEYS         backup keys "id/base64key", separated by commas or newlines (optional)
#   ENC_KEY_ACTIVE   the id in ENC_KEYS new backups use; required with ENC_KEYS
#   API_TOKEN        bearer token (>= 16 chars) for the public API (optional; [api] token)
#   HTTP_PORT        optional; must agree with this node's entry in NODES
#   RAFT_PORT        optional; must agree with this node's entry in NODES
#   LISTEN_ADDR_RAFT, LISTEN_ADDR_API   addresses to bind (default 0.0.0.0)
#   DATA_DIR         data directory (default /data; MVMCI_DATA_DIR wins, as in the node)
#   MVMCI_EXTRA_TOML TOML appended to the written file, for the optional sections
#                    ([raft], [workers], [jobs]; [api] only without API_TOKEN)
#   Each secret (SECRET_RAFT, SECRET_API, ENC_KEYS, API_TOKEN) may instead be read from a file
#   named by the same variable with _FILE appended (Docker secrets); setting both is an error.
#
# A mounted configuration file replaces all of that: MVMCI_CONFIG naming a file, or a file at
# MVMCI_CONFIG_MOUNT (default /etc/mvm-ci/node.toml). The node then reads it as it is; NODE_ID,
# DATA_DIR and HTTP_PORT still override it (the node's own environment overrides), and setting
# any other variable above is refused, since it would have no effect.
#
# Environment of a worker:
#   CONTROL_PLANE        node URLs, comma-separated; passed as `--control-plane URLS`
#   CONTROL_PLANE_TICKET read by the worker itself; one of the two (or ARGS) is required
#
# How Java is started: MVMCI_JAVA_CMD, split on whitespace, replaces the default
# `java $JAVA_OPTS -jar $MVMCI_JAR` (MVMCI_JAR default /opt/mvm-ci/mvm-ci.jar); `exec` makes Java
# the process that receives the container's signals.
#
# Started as root with MVMCI_USER set (the image sets it), the script gives the data directory
# to that user and runs on as that user: for volumes that arrive owned by root.
#
# Exit status: 78 (EX_CONFIG) for missing or contradictory configuration, 73 (EX_CANTCREAT)
# for a data directory that cannot be created or written; otherwise Java's. Secrets are never
# printed, only their length.
set -eu

readonly EX_CANTCREAT=73
readonly EX_CONFIG=78
me=docker-entrypoint.sh

say() {
  printf '%s: %s\n' "$me" "$*" >&2
}

# invalid FIELD SHOWN REASON: the node's own message shape, with the environment as its source.
invalid() {
  printf 'invalid configuration (environment): %s = %s: %s\n' "$1" "$2" "$3" >&2
  exit "$EX_CONFIG"
}

redacted() {
  printf '<redacted, %s chars>' "${#1}"
}

# listed "A B C": "A, B, C".
listed() {
  printf '%s' "$1" | sed 's/ /, /g'
}

quoted() {
  printf '"%s"' "$1"
}

# var NAME: the value of the variable NAME, empty when unset. NAME is always a literal here.
var() {
  eval "printf '%s' \"\${$1:-}\""
}

# secret NAME: sets $secret_value from NAME or from the file named by NAME_FILE.
secret() {
  secret_value=$(var "$1")
  secret_file=$(var "$1_FILE")
  if [ -n "$secret_value" ] && [ -n "$secret_file" ]; then
    invalid "$1_FILE" "$(quoted "$secret_file")" "set, and $1 is set too; keep one of them"
  fi
  if [ -n "$secret_file" ]; then
    if [ ! -f "$secret_file" ] || [ ! -r "$secret_file" ]; then
      invalid "$1_FILE" "$(quoted "$secret_file")" "no such readable file"
    fi
    # $(...) drops the trailing newline that an editor or `echo` leaves.
    secret_value=$(cat "$secret_file")
  fi
}

is_uint() {
  case $1 in
    '' | *[!0-9]*) return 1 ;;
  esac
}

# decimal VALUE: VALUE without leading zeros if it is an integer from 1 to 999999999, else empty.
decimal() {
  is_uint "$1" || return 0
  d=${1#"${1%%[!0]*}"}
  [ -n "$d" ] && [ "${#d}" -le 9 ] && printf '%s' "$d"
  return 0
}

# port NAME VALUE: checks a TCP port given in NAME.
port() {
  if ! is_uint "$2" || [ "${#2}" -gt 5 ] || [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then
    invalid "$1" "$(quoted "$2")" "must be an integer between 1 and 65535"
  fi
}

# one_line NAME VALUE SHOWN: refuses control characters, which a TOML string cannot hold raw.
one_line() {
  case $2 in
    *[[:cntrl:]]*) invalid "$1" "$3" "must not contain control characters (newline, tab, ...)" ;;
  esac
}

# toml_string VALUE: VALUE as a TOML basic string.
toml_string() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

# members: parses $nodes_env into $member_lines (normalised entries), $member_ids, $member_count,
# and this node's ($node_id) $self_entry, $self_raft, $self_http. Checks shape, ids and ports;
# the node checks the rest (addresses distinct, hosts well formed) and names the field.
members() {
  member_lines=''
  member_ids=''
  member_count=0
  self_entry=''
  set -f
  list=$(printf '%s\n' "$nodes_env" | tr ',' '\n')
  old_ifs=$IFS
  IFS='
'
  # The list splits on newlines; each entry, then, on whitespace.
  for entry in $list; do
    IFS=$old_ifs
    # shellcheck disable=SC2086 # split the entry into its fields on purpose
    set -- $entry
    [ "$#" -eq 0 ] && continue
    member_count=$((member_count + 1))
    field="NODES entry $member_count"
    if [ "$#" -ne 3 ]; then
      invalid "$field" "$(quoted "$*")" "must be \"id raft_host:port http_host:port\" (3 parts, found $#)"
    fi
    id=$(decimal "$1")
    if [ -z "$id" ]; then
      invalid "$field" "$(quoted "$*")" "member id must be an integer >= 1"
    fi
    for kind in raft http; do
      if [ "$kind" = raft ]; then hp=$2; else hp=$3; fi
      case $hp in
        *:*) ;;
        *) invalid "$field" "$(quoted "$*")" "$kind address $hp must be host:port" ;;
      esac
      p=${hp##*:}
      if [ -z "${hp%:*}" ] || ! is_uint "$p" || [ "${#p}" -gt 5 ] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
        invalid "$field" "$(quoted "$*")" "$kind address $hp must be host:port with a port between 1 and 65535"
      fi
    done
    case " $member_ids " in
      *" $id "*) invalid "$field" "$(quoted "$*")" "member id $id is used by another entry too" ;;
    esac
    member_ids="${member_ids:+$member_ids }$id"
    member_lines="$member_lines$1 $2 $3
"
    if [ "$id" = "$node_id" ]; then
      self_entry="$1 $2 $3"
      self_raft=$2
      self_http=$3
    fi
  done
  IFS=$old_ifs
  set +f
  if [ "$member_count" -eq 0 ]; then
    invalid NODES "$(quoted "$nodes_env")" "lists no member; write \"id raft_host:port http_host:port\" entries"
  fi
}

# identity: sets $node_id from NODE_ID / MVMCI_NODE_ID (may stay empty).
identity() {
  node_id=${NODE_ID:-}
  if [ -n "${MVMCI_NODE_ID:-}" ]; then
    if [ -n "$node_id" ] && [ "$node_id" != "$MVMCI_NODE_ID" ]; then
      invalid NODE_ID "$(quoted "$node_id")" "disagrees with MVMCI_NODE_ID ($(quoted "$MVMCI_NODE_ID")); set one of them"
    fi
    node_id=$MVMCI_NODE_ID
  fi
  if [ -n "$node_id" ]; then
    if [ -z "$(decimal "$node_id")" ]; then
      invalid NODE_ID "$(quoted "$node_id")" "must be an integer >= 1"
    fi
    node_id=$(decimal "$node_id")
  fi
  return 0
}

# topology: resolves NODE_ID, NODES, HTTP_PORT and RAFT_PORT into $node_id, $member_lines,
# $self_raft, $self_http.
topology() {
  identity
  nodes_env=${NODES:-}
  [ -n "${HTTP_PORT:-}" ] && port HTTP_PORT "$HTTP_PORT"
  [ -n "${RAFT_PORT:-}" ] && port RAFT_PORT "$RAFT_PORT"
  if [ -z "$nodes_env" ]; then
    node_id=${node_id:-1}
    nodes_env="$node_id 127.0.0.1:${RAFT_PORT:-9000} 127.0.0.1:${HTTP_PORT:-3020}"
    members
    return 0
  fi
  if [ -z "$node_id" ]; then
    node_id=''
    members
    invalid NODE_ID "<unset>" "required when NODES is set; this node's id, one of: $(listed "$member_ids")"
  fi
  members
  if [ -z "$self_entry" ]; then
    invalid NODE_ID "$(quoted "$node_id")" "not among the ids in NODES ($(listed "$member_ids")); add this node to NODES or fix NODE_ID"
  fi
  if [ -n "${HTTP_PORT:-}" ] && [ "$HTTP_PORT" -ne "${self_http##*:}" ]; then
    invalid HTTP_PORT "$HTTP_PORT" "disagrees with this node's entry in NODES ($(quoted "$self_entry"), http port ${self_http##*:}); make them agree or unset HTTP_PORT"
  fi
  if [ -n "${RAFT_PORT:-}" ] && [ "$RAFT_PORT" -ne "${self_raft##*:}" ]; then
    invalid RAFT_PORT "$RAFT_PORT" "disagrees with this node's entry in NODES ($(quoted "$self_entry"), raft port ${self_raft##*:}); make them agree or unset RAFT_PORT"
  fi
}

# mounted_config: sets $config_file to a mounted configuration file, or empty.
mounted_config() {
  config_file=''
  if [ -n "${MVMCI_CONFIG:-}" ]; then
    if [ ! -f "$MVMCI_CONFIG" ] || [ ! -r "$MVMCI_CONFIG" ]; then
      invalid MVMCI_CONFIG "$(quoted "$MVMCI_CONFIG")" "no such readable file (unset it to have the configuration written from the environment)"
    fi
    config_file=$MVMCI_CONFIG
  elif [ -f "${MVMCI_CONFIG_MOUNT:-/etc/mvm-ci/node.toml}" ]; then
    config_file=${MVMCI_CONFIG_MOUNT:-/etc/mvm-ci/node.toml}
  fi
}

refuse_with_mounted_file() {
  ignored=''
  for name in NODES SECRET_RAFT SECRET_RAFT_FILE SECRET_API SECRET_API_FILE ENC_KEYS ENC_KEYS_FILE \
      ENC_KEY_ACTIVE API_TOKEN API_TOKEN_FILE RAFT_PORT LISTEN_ADDR_RAFT LISTEN_ADDR_API MVMCI_EXTRA_TOML; do
    [ -n "$(var "$name")" ] && ignored="${ignored:+$ignored, }$name"
  done
  if [ -n "$ignored" ]; then
    invalid "$ignored" "<set>" "the configuration comes from the mounted file $(quoted "$config_file"), which these variables cannot change; unset them or remove the file"
  fi
  return 0
}

# secrets: reads and checks SECRET_RAFT, SECRET_API, ENC_KEYS, ENC_KEY_ACTIVE, API_TOKEN.
secrets() {
  secret SECRET_RAFT
  secret_raft=$secret_value
  secret SECRET_API
  secret_api=$secret_value
  for name in SECRET_RAFT SECRET_API; do
    if [ "$name" = SECRET_RAFT ]; then v=$secret_raft; else v=$secret_api; fi
    if [ -z "$v" ] && [ "$member_count" -gt 1 ]; then
      invalid "$name" "<unset>" "required when NODES has more than one member (it has $member_count); use the same value on every node"
    fi
    if [ -n "$v" ]; then
      one_line "$name" "$v" "$(redacted "$v")"
      if [ "${#v}" -lt 16 ]; then
        invalid "$name" "$(redacted "$v")" "must be at least 16 characters (openssl rand -base64 32 makes one)"
      fi
    fi
  done
  if [ -n "$secret_raft" ] && [ "$secret_raft" = "$secret_api" ]; then
    invalid SECRET_API "$(redacted "$secret_api")" "must differ from SECRET_RAFT"
  fi

  for name in SECRET_RAFT SECRET_API; do
    if [ "$name" = SECRET_RAFT ]; then v=$secret_raft; else v=$secret_api; fi
    case $v in
      *EXAMPLE* | *CHANGE-ME*) say "warning: $name is an example value, public in git; set your own (openssl rand -base64 32)" ;;
    esac
  done

  secret ENC_KEYS
  enc_keys=$(printf '%s\n' "$secret_value" | tr ',' '\n' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d')
  enc_key_ids=''
  if [ -n "$enc_keys" ]; then
    one_line ENC_KEYS "$(printf '%s' "$enc_keys" | tr '\n' ',')" "<redacted>"
    enc_key_ids=$(printf '%s\n' "$enc_keys" | sed -e 's|/.*||' | tr '\n' ' ')
    enc_key_ids=${enc_key_ids% }
    if printf '%s\n' "$enc_keys" | grep -qv /; then
      invalid ENC_KEYS "<redacted>" "every key must be \"id/base64key\" (one has no '/')"
    fi
  fi
  case " $enc_key_ids " in
    *" example "*) say "warning: ENC_KEYS holds the example key, public in git; make your own" ;;
  esac
  enc_key_active=${ENC_KEY_ACTIVE:-}
  if [ -n "$enc_keys" ] && [ -z "$enc_key_active" ]; then
    invalid ENC_KEY_ACTIVE "<unset>" "required when ENC_KEYS is set; name one of its ids ($(listed "$enc_key_ids"))"
  fi
  if [ -n "$enc_key_active" ] && [ -z "$enc_keys" ]; then
    invalid ENC_KEY_ACTIVE "$(quoted "$enc_key_active")" "set, but ENC_KEYS is not"
  fi
  if [ -n "$enc_key_active" ]; then
    case " $enc_key_ids " in
      *" $enc_key_active "*) ;;
      *) invalid ENC_KEY_ACTIVE "$(quoted "$enc_key_active")" "not among the ids in ENC_KEYS ($(listed "$enc_key_ids"))" ;;
    esac
  fi

  secret API_TOKEN
  api_token=$secret_value
  if [ -n "$api_token" ]; then
    one_line API_TOKEN "$api_token" "$(redacted "$api_token")"
    if [ "${#api_token}" -lt 16 ]; then
      invalid API_TOKEN "$(redacted "$api_token")" "must be at least 16 characters"
    fi
  fi
}

# write_config FILE: writes the node's TOML, readable by its owner only (it holds the secrets).
write_config() {
  listen_raft=${LISTEN_ADDR_RAFT:-0.0.0.0}
  listen_api=${LISTEN_ADDR_API:-0.0.0.0}
  one_line LISTEN_ADDR_RAFT "$listen_raft" "$(quoted "$listen_raft")"
  one_line LISTEN_ADDR_API "$listen_api" "$(quoted "$listen_api")"
  tmp="$1.tmp.$$"
  (
    umask 077
    {
      printf '# Written by docker-entrypoint.sh from the environment at every start: edit the\n'
      printf '# environment, not this file. Keys: config/README.md.\n\n'
      printf '[node]\n'
      printf 'node_id = %s\n' "$node_id"
      printf 'data_dir = %s\n' "$(toml_string "$data_dir")"
      [ -n "$secret_raft" ] && printf 'secret_raft = %s\n' "$(toml_string "$secret_raft")"
      [ -n "$secret_api" ] && printf 'secret_api = %s\n' "$(toml_string "$secret_api")"
      if [ -n "$enc_keys" ]; then
        printf 'enc_keys = ['
        printf '%s\n' "$enc_keys" | while IFS= read -r k; do
          printf '%s, ' "$(toml_string "$k")"
        done
        printf ']\n'
        printf 'enc_key_active = %s\n' "$(toml_string "$enc_key_active")"
      fi
      printf 'nodes = [\n'
      printf '%s' "$member_lines" | while IFS= read -r line; do
        printf '    %s,\n' "$(toml_string "$line")"
      done
      printf ']\n'
      printf 'listen_addr_raft = %s\n' "$(toml_string "$listen_raft")"
      printf 'listen_addr_api = %s\n' "$(toml_string "$listen_api")"
      if [ -n "$api_token" ]; then
        printf '\n[api]\ntoken = %s\n' "$(toml_string "$api_token")"
      fi
      if [ -n "${MVMCI_EXTRA_TOML:-}" ]; then
        printf '\n%s\n' "$MVMCI_EXTRA_TOML"
      fi
    } >"$tmp"
  ) || { say "cannot write $tmp"; exit "$EX_CANTCREAT"; }
  mv -f "$tmp" "$1"
}

# data_directory DIR: creates DIR and checks that this user can write it.
data_directory() {
  if ! mkdir -p "$1" 2>/dev/null || [ ! -w "$1" ]; then
    say "cannot create or write the data directory $1 as uid $(id -u); give it to that user (chown -R $(id -u):$(id -g) on the volume) or set DATA_DIR"
    exit "$EX_CANTCREAT"
  fi
}

# Root with MVMCI_USER: hand the data directory to that user, then run this script as that user.
drop_privileges() {
  if ! uid=$(id -u "$MVMCI_USER" 2>/dev/null) || ! gid=$(id -g "$MVMCI_USER" 2>/dev/null); then
    invalid MVMCI_USER "$(quoted "$MVMCI_USER")" "no such user in this image"
  fi
  dir=${MVMCI_DATA_DIR:-${DATA_DIR:-/data}}
  mkdir -p "$dir"
  # Only what is not theirs yet: a large data directory is not walked twice.
  find "$dir" \( ! -user "$uid" -o ! -group "$gid" \) -exec chown "$uid:$gid" {} +
  exec setpriv --reuid="$uid" --regid="$gid" --init-groups -- "$0" "$@"
}

java_command() {
  java_cmd=${MVMCI_JAVA_CMD:-java ${JAVA_OPTS:-} -jar ${MVMCI_JAR:-/opt/mvm-ci/mvm-ci.jar}}
}

run_node() {
  data_dir=${MVMCI_DATA_DIR:-${DATA_DIR:-/data}}
  mounted_config
  if [ -n "$config_file" ]; then
    refuse_with_mounted_file
    identity
    [ -n "$node_id" ] && export MVMCI_NODE_ID="$node_id"
    [ -n "${HTTP_PORT:-}" ] && port HTTP_PORT "$HTTP_PORT"
    if [ -n "${MVMCI_DATA_DIR:-}${DATA_DIR:-}" ]; then
      data_directory "$data_dir"
    fi
    say "node from the mounted file $config_file"
  else
    topology
    secrets
    data_directory "$data_dir"
    config_file="$data_dir/node.toml"
    write_config "$config_file"
    say "node $node_id of $member_count (raft $self_raft, http $self_http), data in $data_dir, configuration written to $config_file"
  fi
  java_command
  set -f
  # shellcheck disable=SC2086 # the Java command is split into words on purpose
  exec $java_cmd --config "$config_file" "$@"
}

run_worker() {
  if [ -n "${CONTROL_PLANE:-}" ] && [ -n "${CONTROL_PLANE_TICKET:-}" ]; then
    invalid CONTROL_PLANE "$(quoted "$CONTROL_PLANE")" "set, and CONTROL_PLANE_TICKET is set too; keep one of them"
  fi
  if [ -z "${CONTROL_PLANE:-}" ] && [ -z "${CONTROL_PLANE_TICKET:-}" ] && [ "$#" -eq 0 ]; then
    invalid "CONTROL_PLANE, CONTROL_PLANE_TICKET" "<unset>" "a worker needs one: the nodes' URLs (http://node1:3020,http://node2:3020) or a ticket"
  fi
  data_dir=${MVMCI_DATA_DIR:-${DATA_DIR:-/data}}
  data_directory "$data_dir"
  export DATA_DIR="$data_dir"
  java_command
  set -f
  if [ -n "${CONTROL_PLANE:-}" ]; then
    # shellcheck disable=SC2086 # the Java command is split into words on purpose
    exec $java_cmd worker --control-plane "$CONTROL_PLANE" "$@"
  fi
  # shellcheck disable=SC2086 # the Java command is split into words on purpose
  exec $java_cmd worker "$@"
}

# health: GET /actuator/health on this container's node: HTTP_PORT, else this node's entry in
# NODES, else 3020; on LISTEN_ADDR_API unless that binds every interface.
run_health() {
  if [ -n "${HTTP_PORT:-}" ]; then
    hport=$HTTP_PORT
  elif [ -n "${NODES:-}" ]; then
    topology
    hport=${self_http##*:}
  else
    hport=3020
  fi
  case ${LISTEN_ADDR_API:-0.0.0.0} in
    0.0.0.0 | :: | '[::]') host=127.0.0.1 ;;
    *:*) host="[${LISTEN_ADDR_API#[}"; host="${host%]}]" ;;
    *) host=$LISTEN_ADDR_API ;;
  esac
  url="http://$host:$hport/actuator/health"
  if command -v curl >/dev/null 2>&1; then
    exec curl -fsS -m 5 -o /dev/null "$url"
  fi
  exec wget -q -T 5 -O /dev/null "$url"
}

mode=node
if [ "$#" -gt 0 ]; then
  case $1 in
    node) shift ;;
    worker) mode=worker; shift ;;
    health) mode=health; shift ;;
    -*) ;;
    *) exec "$@" ;;
  esac
fi

if [ "$mode" != health ] && [ -n "${MVMCI_USER:-}" ] && [ "$(id -u)" = 0 ]; then
  if [ "$mode" = worker ]; then drop_privileges worker "$@"; else drop_privileges node "$@"; fi
fi

case $mode in
  node) run_node "$@" ;;
  worker) run_worker "$@" ;;
  health) run_health ;;
esac
