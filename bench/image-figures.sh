#!/usr/bin/env bash
# The image's figures as Markdown: its size, the layers this project adds on the Node base
# (docker history), and the time from `docker compose up -d` to migrate's exit on an
# already-migrated database (median of 5), both with the database already running (a
# redeploy) and with the whole stack starting (db start + healthcheck + migrate).
# Usage: NODE_IMAGE=… DB_IMAGE=… bench/image-figures.sh [--write]
#   --write  also put the result between the image markers of docs/benchmarks.md
#            (only that part is replaced; the rest of the file stays)
set -Eeuo pipefail
cd "$(dirname "$0")/.."
export MIGRATE_TAG=bench COMPOSE_PROJECT_NAME=mmbench$$
export NODE_IMAGE=${NODE_IMAGE:-node:24-bookworm-slim} DB_IMAGE=${DB_IMAGE:-pgvector/pgvector:pg18}
out=$(mktemp)
trap 'docker compose down -v -t 1 >/dev/null 2>&1 || :; rm -f "$out"' EXIT
RUNS=5
image=mnemolite-migrate:bench base=$NODE_IMAGE
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
mb() { awk '{printf "%.1f MB", $1/1e6}'; }
epoch() { date -d "$(docker inspect -f "{{.State.$1}}" "$2")" +%s%N; }

build_start=$(date +%s%N)
docker compose build -q migrate
build_ms=$(ms "$build_start" "$(date +%s%N)")

waitmigrate() {  # prints migrate's exit code; fails unless 0
  local code; code=$(docker wait "$(docker compose ps -aq migrate)")
  [ "$code" = 0 ] || { echo "migrate exited $code" >&2; docker compose logs migrate >&2; exit 1; }
}
docker compose up -d >/dev/null 2>&1
waitmigrate

redeploy=() inside=() cold=()
for _ in $(seq $RUNS); do   # db running: a fresh migrate container, as after a redeploy
  docker compose rm -fsv migrate >/dev/null 2>&1
  start=$(date +%s%N)
  docker compose up -d >/dev/null 2>&1
  waitmigrate
  redeploy+=("$(ms "$start" "$(date +%s%N)")")
  id=$(docker compose ps -aq migrate)
  inside+=("$(ms "$(epoch StartedAt "$id")" "$(epoch FinishedAt "$id")")")
done
for _ in $(seq $RUNS); do   # everything stopped (volume kept): db start, healthcheck, migrate
  docker compose stop -t 5 >/dev/null 2>&1
  docker compose rm -fsv migrate >/dev/null 2>&1
  start=$(date +%s%N)
  docker compose up -d >/dev/null 2>&1
  waitmigrate
  cold+=("$(ms "$start" "$(date +%s%N)")")
done

size=$(docker image inspect -f '{{.Size}}' "$image") base_size=$(docker image inspect -f '{{.Size}}' "$base")
ours=$(( $(docker history -q "$image" | wc -l) - $(docker history -q "$base" | wc -l) ))
{
  echo '## Image and `docker compose up`'
  echo
  echo '_Written by `bench/image-figures.sh --write`; edit the script, not this section._'
  echo
  echo "- **Date:** $(date -u +%FT%TZ); mnemolite-migrate $(node -p 'require("./package.json").version' 2>/dev/null || echo '?') at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes')"
  echo "- **Machine:** $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, Linux $(uname -r)"
  echo "- **Engine:** Docker $(docker version -f '{{.Server.Version}}'), $(docker compose version --short | sed 's/^/compose /'); NODE_IMAGE=\`$NODE_IMAGE\`, DB_IMAGE=\`$DB_IMAGE\`"
  echo "- **Commands:** \`docker compose build migrate\` (image \`$image\`, ${build_ms} ms with a warm cache); \`docker image inspect -f '{{.Size}}'\`; \`docker history $image\`"
  echo
  echo '| figure | value |'
  echo '|---|---|'
  echo "| image \`$image\` | $(echo "$size" | mb) |"
  echo "| base image \`$base\` | $(echo "$base_size" | mb) |"
  echo "| added by this project (the top $ours history entries; those with content below) | $(( size - base_size )) bytes = $(echo $(( size - base_size )) | mb) |"
  docker history --no-trunc --format '{{.Size}}|{{.CreatedBy}}' "$image" | head -n "$ours" |
    while IFS='|' read -r lsize cmd; do
      [ "$lsize" = 0B ] && continue
      cmd=${cmd% \# buildkit}
      echo "| layer \`${cmd:0:70}\` | $lsize |"
    done
  echo
  echo "Time from \`docker compose up -d\` to migrate's exit 0 (\`docker wait\`) on a database already at head, $RUNS runs each:"
  echo
  echo '| case | median | runs (ms) |'
  echo '|---|---|---|'
  echo "| db running and healthy, fresh migrate container (\`docker compose rm -fsv migrate && docker compose up -d\`) | $(median "${redeploy[@]}") ms | ${redeploy[*]} |"
  echo "| … of which migrate's own run (State.StartedAt → FinishedAt) | $(median "${inside[@]}") ms | ${inside[*]} |"
  echo "| whole stack stopped, volume kept (\`docker compose stop && docker compose up -d\`): db start + healthcheck (interval 2 s) + migrate | $(median "${cold[@]}") ms | ${cold[*]} |"
} >"$out"
cat "$out"

if [ "${1:-}" = --write ]; then
  node - "$out" <<'EOF'
const fs = require('node:fs');
const [START, END, doc] = ['<!-- image:start -->', '<!-- image:end -->', 'docs/benchmarks.md'];
const section = `${START}\n${fs.readFileSync(process.argv[2], 'utf8').trimEnd()}\n${END}`;
const current = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '# Benchmarks\n';
const [s, e] = [current.indexOf(START), current.indexOf(END)];
fs.writeFileSync(doc, s >= 0 && e > s ? current.slice(0, s) + section + current.slice(e + END.length) : `${current.trimEnd()}\n\n${section}\n`);
EOF
  echo "written to docs/benchmarks.md" >&2
fi
