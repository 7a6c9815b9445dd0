#!/usr/bin/env bash
# `npm run test:reliability [-- --long] [-- <vitest filters>]`: the reliability suite against the
# production build (tests/reliability/): SIGKILLs under load, a duplicate storm across two instances on
# one PostgreSQL, database outages, hostile input, callbacks under dashboard load, and slow and many
# clients.
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
TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres). Each on SQLite and
PostgreSQL unless said otherwise:

  crash-safety     SIGKILL under callback load (5 kills; 25 with --long): every recall answered OK
                   stored exactly once, aggregates equal to a recount
  duplicate-storm  1,000 recalls delivered 5 times each across two instances (PostgreSQL)
  outage           the database goes away under load (SQLite: file made immutable with chattr +i,
                   then locked by another process; PostgreSQL: TCP proxy cut, then connections
                   refused and backends terminated): 503 FAIL, never OK; health says so; ingest
                   resumes without a restart. Needs root (chattr) on a filesystem with chattr +i.
  hostile-input    5,000 seeded hostile requests per database (50,000 with --long) to the signed
                   callback endpoint and every JSON API: no 5xx but 503, health within 1 s, only
                   accepted requests write rows, RSS after a full GC within 50 MB of the
                   warmed-up baseline
  dashboard-load   20k seeded recalls (1M with --long), 10 clients on the heaviest dashboard
                   endpoints: callbacks answered OK within 2 s, zero errors
  slow-clients     500 connections for 10 s (5 min with --long): bodies and headers sent a byte a
                   second, 150 live streams never read; signed callbacks answered OK within 2 s
                   and stored, health answers, connections released and memory bounded afterwards

  --long   longer runs and more data. Sets RELIABILITY_LONG=1.

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
