#!/usr/bin/env bash
# Image size, the layers this project adds, and the time from `docker compose up -d`
# to migrate's exit on an already-migrated database (median of 5), as Markdown.
# Usage: NODE_IMAGE=… DB_IMAGE=… bench/image-figures.sh
set -Eeuo pipefail
cd "$(dirname "$0")/.."
export MIGRATE_TAG=bench COMPOSE_PROJECT_NAME=mmbench$$
trap 'docker compose down -v -t 1 >/dev/null 2>&1 || :' EXIT
docker compose build -q migrate
image=mnemolite-migrate:bench
base=${NODE_IMAGE:-node:24-bookworm-slim}
mb() { awk '{printf "%.1f MB", $1/1e6}'; }
echo "| figure | value |"
echo "|---|---|"
echo "| image \`$image\` on \`$base\` | $(docker image inspect -f '{{.Size}}' "$image" | mb) |"
echo "| base image \`$base\` | $(docker image inspect -f '{{.Size}}' "$base" | mb) |"
added=$(( $(docker image inspect -f '{{.Size}}' "$image") - $(docker image inspect -f '{{.Size}}' "$base") ))
echo "| added by this project | $(echo "$added" | mb) |"
docker history --format '{{.Size}}|{{.CreatedBy}}' "$image" | grep -v '^0B' | head -n 6 |
  while IFS='|' read -r size cmd; do
    case $cmd in COPY*) echo "| layer: \`${cmd:0:60}\` | $size |" ;; esac
  done
docker compose up -d >/dev/null 2>&1
docker wait "$(docker compose ps -aq migrate)" >/dev/null
times=()
for _ in 1 2 3 4 5; do
  docker compose rm -fsv migrate >/dev/null 2>&1
  start=$(date +%s%N)
  docker compose up -d migrate >/dev/null 2>&1
  code=$(docker wait "$(docker compose ps -aq migrate)")
  [ "$code" = 0 ] || { echo "migrate exited $code" >&2; exit 1; }
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "| \`docker compose up -d\` → migrate exit 0, already migrated (median of 5: ${times[*]} ms) | ${median} ms |"
