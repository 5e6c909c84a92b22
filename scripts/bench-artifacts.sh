#!/usr/bin/env bash
# Upload throughput of one artifact on a three-node cluster of local processes, against a plain file
# copy on the same disk (the physical limit: every node keeps a copy, and this machine's one disk
# holds all three). Prints both rates and their ratio.
#   SIZE_MB=1024 scripts/bench-artifacts.sh
# The upload is PUT /api/v1/workers/jobs/{id}/artifacts/{name}: the node spools it (one write),
# streams it by Ratis DataStream to itself and the two others (three writes, each fsynced), and
# answers once the metadata entry committed. The copy baseline is `cp` + `sync` of the same file,
# and three copies (what the cluster writes), so the ratio compares like with like.
set -euo pipefail
. "$(dirname "$0")/lib/cluster.sh"

SIZE_MB=${SIZE_MB:-1024}
require_tools
ensure_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mvmci-bench-artifacts.XXXXXX")
trap cluster_cleanup EXIT
trap 'exit 130' INT TERM
EXTRA_TOML=$'\n[artifacts]\nmax_artifact_bytes = 4294967296\nmax_job_bytes = 17179869184\n'

say "writing a ${SIZE_MB} MiB file of random bytes"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$WORK/blob"
sync

t=$(now_ms)
cp "$WORK/blob" "$WORK/copy1" && sync
copy1_ms=$(($(now_ms) - t))
t=$(now_ms)
for i in 2 3 4; do cp "$WORK/blob" "$WORK/copy$i"; done
sync
copy3_ms=$(($(now_ms) - t))
rm -f "$WORK"/copy*
say "cp + sync: one copy ${copy1_ms} ms, three copies ${copy3_ms} ms"

cluster_start
leader=$(await_leader 90 1 2 3)
say "cluster up, node $leader leads"
job=$(curl -sf -m 30 -X POST "$(url 1 /api/v1/jobs)" -H 'Content-Type: application/json' \
  -d '{"workflow":"noop","input":{}}' | jq -er .job_id) || die "could not submit a job"
t=$(now_ms)
reply=$(curl -sS -m 3600 -T "$WORK/blob" -H "Authorization: Bearer $SECRET_API" \
  "$(url 1 "/api/v1/workers/jobs/$job/artifacts/blob")") || die "upload failed"
up_ms=$(($(now_ms) - t))
jq -e .sha256 <<<"$reply" >/dev/null || die "upload refused: $reply"
say "upload to node 1 (held by $(jq -r .holders <<<"$reply")): ${up_ms} ms"
mb_s() { awk -v mb="$SIZE_MB" -v ms="$1" 'BEGIN { printf "%.1f", mb * 1000 / ms }'; }
say "rates: upload $(mb_s "$up_ms") MiB/s; cp one copy $(mb_s "$copy1_ms") MiB/s; cp three copies $(mb_s "$copy3_ms") MiB/s"
say "ratio upload / one copy: $(awk -v a="$copy1_ms" -v b="$up_ms" 'BEGIN { printf "%.2f", a / b }')"
say "ratio upload / three copies: $(awk -v a="$copy3_ms" -v b="$up_ms" 'BEGIN { printf "%.2f", a / b }')"
