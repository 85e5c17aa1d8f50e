#!/usr/bin/env bash
# npm start: node dependencies and tools if missing, then the whole stack (dev/scripts/start.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source dev/scripts/ensure-deps.sh
ensure_node_modules
bash dev/tools/setup.sh
# One node process (no npx/tsx wrapper): Ctrl-C and SIGTERM reach the supervisor directly.
exec node --import tsx dev/scripts/start.ts
