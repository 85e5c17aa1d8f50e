#!/usr/bin/env bash
# npm test: node dependencies and tools (with Chromium for the browser tests) if missing, then the
# whole vitest suite; vitest's global setup starts the servers on test ports (test/global-setup.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source dev/scripts/ensure-deps.sh
ensure_node_modules
# The tests use FerretDB unless TEST_MONGODB_URI is set (never the MongoDB that MONGODB_URI names).
MONGODB_URI="${TEST_MONGODB_URI:-}" bash dev/tools/setup.sh --browser
exec npx vitest run "$@"
