#!/usr/bin/env bash
# Makes a Class Data Sharing archive for a node: extracts the jar into DEST (mvm-ci.jar + lib/, the
# layout CDS needs: it cannot map classes out of the nested jars of `java -jar mvm-ci.jar`), then
# starts a node once on a throwaway data directory, which exits once Spring has started
# (-Dspring.context.exit=onRefresh) and leaves the classes it loaded in DEST/mvm-ci.jsa.
#
#   scripts/cds-archive.sh [JAR [DEST]]        (target/mvm-ci.jar, target/cds)
#   java -XX:SharedArchiveFile=DEST/mvm-ci.jsa -jar DEST/mvm-ci.jar --config node.toml
#
# The archive fits that JVM and that class path only: make it again after a rebuild or a JDK update
# (a mismatched one is ignored, with a warning). The container image makes its own at build time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${1:-$ROOT/target/mvm-ci.jar}
DEST=${2:-$ROOT/target/cds}
[ -f "$JAR" ] || { echo "no $JAR: run mvn -B -q package -DskipTests" >&2; exit 1; }
rm -rf "$DEST"
java -Djarmode=tools -jar "$JAR" extract --destination "$DEST" >/dev/null
TRAIN=$(mktemp -d -t mvmci-cds.XXXXXX)
trap 'rm -rf "$TRAIN"' EXIT
read -r RAFT HTTP < <(python3 -c "
import socket
s=[socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1',0))
print(' '.join(str(x.getsockname()[1]) for x in s))")
cat >"$TRAIN/node.toml" <<TOML
[node]
node_id = 1
data_dir = "$TRAIN/data"
nodes = ["1 127.0.0.1:$RAFT 127.0.0.1:$HTTP"]
[workers]
embedded = 1
TOML
java ${JAVA_OPTS:-} -XX:ArchiveClassesAtExit="$DEST/mvm-ci.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -Dspring.context.exit=onRefresh -jar "$DEST/mvm-ci.jar" --config "$TRAIN/node.toml" >"$TRAIN/train.log" 2>&1 \
  || { cat "$TRAIN/train.log" >&2; echo "the training start failed" >&2; exit 1; }
[ -s "$DEST/mvm-ci.jsa" ] || { echo "no archive was written" >&2; exit 1; }
echo "$DEST/mvm-ci.jsa ($(du -h "$DEST/mvm-ci.jsa" | cut -f1)); start with:"
echo "  java -XX:SharedArchiveFile=$DEST/mvm-ci.jsa -jar $DEST/mvm-ci.jar --config node.toml"
