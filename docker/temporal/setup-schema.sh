#!/bin/sh
# Runs once in temporalio/admin-tools before the Temporal server starts: creates (or upgrades) the
# Temporal and visibility databases in PostgreSQL. Idempotent: safe at every `docker compose up`.
set -eu

plugin=postgres12
endpoint="${POSTGRES_SEEDS}"
port="${DB_PORT:-5432}"
schema=/etc/temporal/schema/postgresql/v12

export SQL_PASSWORD="$POSTGRES_PWD" # read by temporal-sql-tool, kept off the command line

sql() {
  temporal-sql-tool --plugin "$plugin" --ep "$endpoint" -p "$port" -u "$POSTGRES_USER" "$@"
}

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$schema/temporal/versioned" ;;
    *) dir="$schema/visibility/versioned" ;;
  esac
  echo "schema: database $db"
  sql create --db "$db" || echo "schema: $db already exists"
  # setup-schema -v 0.0 only creates the version table when missing; update-schema applies what is new.
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$dir"
done
echo "schema: done"
