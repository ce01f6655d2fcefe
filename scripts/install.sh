#!/usr/bin/env bash
# Install whatever is missing for fig on this machine: npm dependencies, the legacy service's
# Debian packages, and (with --browser) Debian's chromium for browser tests. Idempotent and quick
# when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for a in "$@"; do [ "$a" = --browser ] && want_browser=1; done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "fig: need root to run: $*" >&2; return 1; fi; }
APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "fig: apt-get is not available; install these packages by hand: $*" >&2
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# npm dependencies: install when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "fig: installing npm dependencies..."
  npm ci --no-audit --no-fund --loglevel=error
fi

# The legacy service runs on Debian's python3 packages (no PyPI here).
if ! /usr/bin/python3 -c 'import fastapi, uvicorn, sqlalchemy, multipart, pytest, httpx' 2>/dev/null; then
  echo "fig: installing the legacy service's Debian packages..."
  apt_install python3-fastapi python3-uvicorn python3-sqlalchemy python3-multipart python3-pytest python3-httpx
fi

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "fig: installing Debian's chromium for browser tests..."
  apt_install chromium
fi

# The SPA is served by the gateway from web/dist; build it when missing or stale.
if [ -f web/index.html ]; then
  newest_src=$(find web/src web/index.html web/vite.config.ts -type f -newer web/dist/index.html 2>/dev/null | head -1 || true)
  if [ ! -f web/dist/index.html ] || [ -n "$newest_src" ]; then
    echo "fig: building the SPA..."
    npx vite build --config web/vite.config.ts --logLevel error
  fi
fi
