#!/usr/bin/env bash
# `npm run test:reliability [-- --long] [-- <vitest filters>]`: the reliability suite against the
# production build (tests/reliability/): SIGKILLs under load (SQLite and PostgreSQL) and a duplicate
# storm across two instances on one PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
for a in "$@"; do
  case "$a" in
    -h|--help)
      cat <<'USAGE'
Usage: npm run test:reliability [-- --long] [-- <vitest file filters and flags>]

Runs the vitest project "reliability" (tests/reliability/*.test.ts, one file at a time) against
the production build in .next (run `npx next build` after changing app code) and PostgreSQL at
TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).

  --long   longer runs (e.g. 25 kills per database). Sets RELIABILITY_LONG=1.

Every seeded generator prints its seed; replay a run with RELIABILITY_SEED=<seed>.
`npm test` runs the CI-sized suite.
USAGE
      exit 0
      ;;
    --long) export RELIABILITY_LONG=1 ;;
    *) args+=("$a") ;;
  esac
done
export NEXT_TELEMETRY_DISABLED=1
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
exec npx vitest run --project reliability "${args[@]}"
