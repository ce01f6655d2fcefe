#!/usr/bin/env bash
# Run every benchmark that exists (bench/<name>/run.ts), one after the other; `npm run bench`.
# A missing benchmark is skipped; a failing one is reported and the others still run.
# Usage: bench/run.sh [name...]   e.g. bench/run.sh proxy
set -uo pipefail
cd "$(dirname "$0")/.."

names=("$@")
if [ ${#names[@]} -eq 0 ]; then names=(proxy engine shadow); fi
# Any other bench/<name>/run.ts also runs, after the known ones.
for f in bench/*/run.ts; do
  [ -e "$f" ] || continue
  n="$(basename "$(dirname "$f")")"
  # The reliability suite has its own command (npm run reliability): faults and a 10-minute soak.
  [ "$n" = reliability ] && continue
  if [ $# -eq 0 ] && [[ ! " ${names[*]} " =~ " ${n} " ]]; then names+=("$n"); fi
done

# Throughput benches drive the gateway to saturation on purpose: load shedding (on by default at
# event-loop utilisation 0.98, ADR 0021) would turn part of that into 503s. Off unless set.
export LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION="${LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION:-0}"

failed=()
for n in "${names[@]}"; do
  if [ ! -f "bench/$n/run.ts" ]; then
    echo "== bench/$n: not present, skipped"
    continue
  fi
  echo "== bench/$n"
  if ! node --import tsx "bench/$n/run.ts"; then failed+=("$n"); fi
  # proxy also compares fig with a bare forwarder and the module-served read vs legacy, each with its own same-run baseline.
  # apar also serves its list routes over HTTP next to legacy on the same data (appends to bench/results/apar.md).
  if [ "$n" = apar ] && [ -f bench/apar/http.ts ]; then
    echo "== bench/apar/http"
    if ! node --import tsx bench/apar/http.ts; then failed+=("apar/http"); fi
  fi
  if [ "$n" = proxy ]; then
    for extra in versus-bare module-read; do
      [ -f "bench/proxy/$extra.ts" ] || continue
      echo "== bench/proxy/$extra"
      if ! node --import tsx "bench/proxy/$extra.ts"; then failed+=("proxy/$extra"); fi
    done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "== failed: ${failed[*]}" >&2
  exit 1
fi
echo "== results in bench/results/"
