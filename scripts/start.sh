#!/usr/bin/env bash
# npm start: install what is missing, check services, migrate, seed the demo tenant, then run the
# legacy service, the gateway and the worker until Ctrl-C (which stops everything started here).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

bash scripts/install.sh
bash scripts/ensure-services.sh

mkdir -p .fig
# A local admin token for automation (CLI, scripts). Generated once, never committed (.fig/ is ignored).
if [ ! -s .fig/admin-token ]; then
  node -e "process.stdout.write(require('crypto').randomBytes(24).toString('base64url'))" > .fig/admin-token
  chmod 600 .fig/admin-token
fi
if [ ! -s .fig/jwt-key ]; then
  node -e "process.stdout.write('k1:' + require('crypto').randomBytes(32).toString('base64url'))" > .fig/jwt-key
  chmod 600 .fig/jwt-key
fi
export ADMIN_TOKEN=${ADMIN_TOKEN:-$(cat .fig/admin-token)}
export JWT_KEYS=${JWT_KEYS:-$(cat .fig/jwt-key)}
export PORT=${PORT:-8080}
export LEGACY_PORT=${LEGACY_PORT:-8000}
export LEGACY_URL=${LEGACY_URL:-http://127.0.0.1:$LEGACY_PORT}
export LEGACY_DB_PATH=${LEGACY_DB_PATH:-$ROOT/.fig/legacy.sqlite3}
# Plain http on localhost: the refresh cookie cannot be Secure there.
export COOKIE_SECURE=${COOKIE_SECURE:-false}

port_busy() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
for p in "$PORT" "$LEGACY_PORT"; do
  if port_busy "$p"; then
    echo "fig: port $p is already in use. Stop what runs there, or set PORT / LEGACY_PORT." >&2
    exit 1
  fi
done

echo "fig: migrating..."
npx tsx migrations/run.ts
echo "fig: seeding the demo tenant..."
npx tsx scripts/seed.ts

PIDS=()
STOPPING=0
cleanup() {
  trap - INT TERM EXIT
  STOPPING=1
  echo
  echo "fig: stopping..."
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "fig: stopped."
}
trap cleanup INT TERM EXIT

# Each child in its own process group so Ctrl-C stops its whole tree.
setsid bash scripts/legacy.sh & PIDS+=($!)
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$LEGACY_PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$LEGACY_PORT/health" >/dev/null || { echo "fig: the legacy service did not start" >&2; exit 1; }

setsid npx tsx gateway/main.ts & PIDS+=($!)
setsid npx tsx gateway/worker.ts & PIDS+=($!)
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "fig: the gateway did not start" >&2; exit 1; }
# Keep the route table in step with what legacy documents today (modes are kept; see operator guide).
FIG_URL="http://127.0.0.1:$PORT" npx tsx gateway/cli.ts routes import || echo "fig: could not refresh the route table from legacy's OpenAPI" >&2

cat <<MSG

  fig is running (Ctrl-C stops everything)

    gateway   http://127.0.0.1:$PORT          (every legacy URL works here)
    SPA       http://127.0.0.1:$PORT/app/
    API docs  http://127.0.0.1:$PORT/docs
    metrics   http://127.0.0.1:$PORT/metrics
    legacy    http://127.0.0.1:$LEGACY_PORT   (direct; docs at /docs)

    demo sign-in: ops@acme.test / admin@acme.test / finance@acme.test, password fig-demo-2026
    CLI:          FIG_URL=http://127.0.0.1:$PORT npm run fig -- route list   (admin token in .fig/admin-token)

MSG
wait -n "${PIDS[@]}" || true
[ "$STOPPING" = 1 ] || echo "fig: a process exited; stopping the rest." >&2
