#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on the configured addresses. Starts local ones that are
# installed but stopped; otherwise says exactly what to run. Exit 1 when one is missing.
set -uo pipefail
PGHOST_CHECK=${PGHOST_CHECK:-127.0.0.1}
ok=1

pg_up() { (command -v pg_isready >/dev/null && pg_isready -q -h "$PGHOST_CHECK" -p 5432) || (exec 3<>/dev/tcp/$PGHOST_CHECK/5432) 2>/dev/null; }
redis_up() { (command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]) || (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "fig: starting local PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 0.5; done
  fi
  if ! pg_up; then
    echo "fig: PostgreSQL is not running on $PGHOST_CHECK:5432 and no local install was found." >&2
    echo "     Start one with:  docker compose up -d postgres redis" >&2
    ok=0
  fi
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "fig: starting local Redis..."
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
    for _ in $(seq 1 30); do redis_up && break; sleep 0.3; done
  fi
  if ! redis_up; then
    echo "fig: Redis is not running on 127.0.0.1:6379 and no local install was found." >&2
    echo "     Start one with:  docker compose up -d postgres redis" >&2
    ok=0
  fi
fi

[ "$ok" = 1 ] || exit 1
