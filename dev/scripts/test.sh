#!/usr/bin/env bash
# npm test: node dependencies and tools (with Chromium for the browser tests) if missing; for the
# whole suite the static checks first (types, lint, format: npm run check), then vitest, whose
# global setup starts the servers on test ports (test/global-setup.ts). `npm test -- <file>` runs
# that file only, without the static checks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source dev/scripts/ensure-deps.sh
ensure_node_modules
# The tests use the embedded registry server and Redis unless TEST_MONGODB_URI / TEST_REDIS_URL are set (never the servers MONGODB_URI / REDIS_URL name).
MONGODB_URI="${TEST_MONGODB_URI:-}" REDIS_URL="${TEST_REDIS_URL:-}" bash dev/tools/setup.sh --browser
if [[ $# == 0 ]]; then
  echo "[test] static checks: types, lint, format (npm run check)"
  npm run --silent check
fi
exec npx vitest run "$@"
