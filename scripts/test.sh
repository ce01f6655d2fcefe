#!/usr/bin/env bash
# npm test: install what is missing, then run every suite (TypeScript typecheck + lint, Vitest incl.
# browser tests, the legacy service's pytest). Fails on the first failing suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --browser
bash scripts/ensure-services.sh

echo "== typecheck"
npx tsc --noEmit -p tsconfig.json
echo "== lint"
npx eslint --max-warnings=0 .
echo "== import cycles"
npx madge --circular --extensions ts,tsx --ts-config tsconfig.json gateway modules legacy-shadow web/src
echo "== legacy service (pytest)"
bash scripts/legacy.sh --test
echo "== vitest (gateway, modules, shadow, browser)"
npx vitest run
