# Sourced by dev/scripts/start.sh and dev/scripts/test.sh: installs node dependencies when node_modules is
# missing or older than package-lock.json (a fresh clone, a pull that changed the lockfile).
ensure_node_modules() {
  local stamp=node_modules/.package-lock.json # written by npm at every install
  if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp ]]; then
    echo "[setup] installing node dependencies (npm ci)..."
    npm ci --no-audit --no-fund
  fi
}
