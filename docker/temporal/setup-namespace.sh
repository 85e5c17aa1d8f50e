#!/bin/sh
# Runs once in temporalio/admin-tools after the Temporal server is up: creates the namespace and
# registers the search attributes the renewal workflow upserts (workflows/search-attributes.ts).
# The worker and the web start only after this succeeded. Idempotent.
set -eu

ns="${TEMPORAL_NAMESPACE:-default}"

attempt=0
until temporal operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then echo "Temporal server not healthy after 30 attempts" >&2; exit 1; fi
  sleep 2
done

temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$ns" --retention 30d

existing="$(temporal operator search-attribute list --namespace "$ns")"
for attribute in RenewalKind:Keyword RenewalStage:Keyword RenewalStageSince:Datetime RenewalDeadline:Datetime RenewalOutcome:Keyword RenewalLockouts:Int; do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name: already registered"
  else
    temporal operator search-attribute create --namespace "$ns" --name "$name" --type "$type"
  fi
done
echo "namespace $ns ready"
