#!/bin/sh
# Starts mvm-ci in a container. A launcher only: it checks no setting and writes no file. The
# node reads its whole configuration from the environment (MVMCI_<SECTION>__<KEY>, the aliases
# NODE_ID, NODES, SECRET_RAFT, ..., each also as <NAME>_FILE) over the file MVMCI_CONFIG names,
# and refuses a bad one with one line naming the variable (exit 78). See config/README.md.
#
#   docker-entrypoint.sh [node] [ARGS...]   the node (the default)
#   docker-entrypoint.sh worker [ARGS...]   a remote worker; CONTROL_PLANE, when set, is passed
#                                           as --control-plane (the worker reads
#                                           CONTROL_PLANE_TICKET and SECRET_API itself)
#   docker-entrypoint.sh health             exit 0 if the node answers GET /actuator/health (the
#                                           image's HEALTHCHECK) at MVMCI_HEALTH_URL, default
#                                           http://127.0.0.1:$HTTP_PORT/... (HTTP_PORT default
#                                           3020: set it when this node's http port is another)
#   docker-entrypoint.sh ARGS...            anything else (backup, restore, --config FILE, ...)
#                                           goes to the jar as it is
#
# User: the image starts this script as root, with MVMCI_USER=mvmci (uid 10001). Root with
# MVMCI_USER set gives MVMCI_VOLUME (default /data, the image's volume) to that user, then runs
# this script again as that user (setpriv), so Java never runs as root. Started as any other
# user (docker run --user), it changes no ownership and runs as that user.
#
# Java: MVMCI_JAVA_CMD, split on whitespace, replaces `java $JAVA_OPTS -jar $MVMCI_JAR`
# (MVMCI_JAR default /opt/mvm-ci/mvm-ci.jar); exec makes Java the process that gets signals.
#
# Exit status: 73 when the volume cannot be given to MVMCI_USER; otherwise Java's.
set -eu

if [ "${1:-}" = health ]; then
  exec curl -fsS -m 5 -o /dev/null "${MVMCI_HEALTH_URL:-http://127.0.0.1:${HTTP_PORT:-3020}/actuator/health}"
fi

if [ "$(id -u)" = 0 ] && [ -n "${MVMCI_USER:-}" ]; then
  uid=$(id -u "$MVMCI_USER")
  gid=$(id -g "$MVMCI_USER")
  volume=${MVMCI_VOLUME:-/data}
  # Only what is not theirs yet: a large volume is not rewritten at every start.
  if ! { mkdir -p "$volume" && find "$volume" \( ! -user "$uid" -o ! -group "$gid" \) -exec chown "$uid:$gid" {} +; }; then
    echo "docker-entrypoint.sh: cannot give $volume to $MVMCI_USER ($uid:$gid)" >&2
    exit 73
  fi
  exec setpriv --reuid="$uid" --regid="$gid" --init-groups -- "$0" "$@"
fi

case ${1:-} in
  node) shift ;;
  worker)
    shift
    if [ -n "${CONTROL_PLANE:-}" ]; then
      set -- --control-plane "$CONTROL_PLANE" "$@"
    fi
    set -- worker "$@"
    ;;
esac

set -f
# shellcheck disable=SC2086 # the Java command is split into words on purpose
exec ${MVMCI_JAVA_CMD:-java ${JAVA_OPTS:-} -jar ${MVMCI_JAR:-/opt/mvm-ci/mvm-ci.jar}} "$@"
