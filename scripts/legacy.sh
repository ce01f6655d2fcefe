#!/usr/bin/env bash
# The legacy FastAPI reference service (infra/legacy-fastapi).
#   scripts/legacy.sh                 ensure the Debian packages, then run the service (env passed through:
#                                     LEGACY_HOST, LEGACY_PORT, LEGACY_DB_PATH, LEGACY_LOG_LEVEL)
#   scripts/legacy.sh --install-only  only ensure the packages
#   scripts/legacy.sh --test          ensure the packages, then run its pytest suite
# Uses Debian's /usr/bin/python3 (not a pyenv/venv python): the service depends on apt packages only.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LEGACY_DIR="$ROOT/infra/legacy-fastapi"
PY=/usr/bin/python3
APT_PACKAGES=(python3-fastapi python3-uvicorn python3-sqlalchemy python3-multipart python3-pytest python3-httpx)

have_packages() {
  [ -x "$PY" ] && "$PY" -c 'import fastapi, uvicorn, sqlalchemy, multipart, pytest, httpx' >/dev/null 2>&1
}

ensure_packages() {
  if have_packages; then
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
      sudo=(sudo -n)
    else
      echo "legacy.sh: $PY cannot import the legacy service's packages and this user cannot install them." >&2
      echo "legacy.sh: run as root (or with passwordless sudo): apt-get install -y ${APT_PACKAGES[*]}" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "legacy.sh: apt-get not found; install on a Debian/Ubuntu host: ${APT_PACKAGES[*]}" >&2
    exit 1
  fi
  echo "legacy.sh: installing ${APT_PACKAGES[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${APT_PACKAGES[@]}" >&2
  if ! have_packages; then
    echo "legacy.sh: packages installed but $PY still cannot import them" >&2
    exit 1
  fi
}

case "${1:-}" in
  --install-only)
    ensure_packages
    ;;
  --test)
    ensure_packages
    shift
    cd "$LEGACY_DIR"
    set +e
    PYTHONDONTWRITEBYTECODE=1 "$PY" -m pytest -q -p no:cacheprovider tests "$@"
    rc=$?
    set -e
    if [ "$rc" -eq 5 ]; then
      echo "legacy.sh: pytest collected no tests" >&2
      exit 1
    fi
    exit "$rc"
    ;;
  "")
    ensure_packages
    export PYTHONPATH="$LEGACY_DIR${PYTHONPATH:+:$PYTHONPATH}"
    exec "$PY" -m legacy_fastapi
    ;;
  *)
    echo "usage: scripts/legacy.sh [--install-only | --test [pytest args]]" >&2
    exit 2
    ;;
esac
