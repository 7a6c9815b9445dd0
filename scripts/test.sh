#!/usr/bin/env bash
# `npm test`: type-check, lint, unit tests, production build, integration tests against SQLite
# and PostgreSQL, and browser tests in Chromium. Nothing is skipped: a missing prerequisite is a
# failure that says exactly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<'USAGE'
Usage: npm test

Runs, in order: tsc, biome, vitest unit tests, next build, vitest integration tests (SQLite, then
PostgreSQL), the CI-sized reliability suite (npm run test:reliability), Playwright browser tests in
Debian's Chromium.

Needs:
  - PostgreSQL reachable at TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
    with the right to create databases. Started with pg_ctlcluster when it is installed but stopped.
  - Chromium at CHROMIUM_PATH (default /usr/bin/chromium). Installed with apt-get when missing and
    running as root on Debian.
  - A Chinese font (fc-list :lang=zh), for the Chinese pages' screenshots and width checks. Debian's
    fonts-noto-cjk is installed with apt-get when none is found and running as root.
USAGE
  exit 0
fi

export NEXT_TELEMETRY_DISABLED=1
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
RESULTS=tests/.tmp/results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

step() { printf '\n==> %s\n' "$*"; }
missing() { printf '\nMISSING: %s\n' "$*" >&2; exit 1; }

step "Checking prerequisites"
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "Chromium not found at $CHROMIUM_PATH; installing Debian's chromium package"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  [[ -x "$CHROMIUM_PATH" ]] || missing "Chromium at $CHROMIUM_PATH. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH."
fi
echo "Chromium: $CHROMIUM_PATH"

# Chinese pages are screenshotted and checked for clipped labels: without a CJK font Chromium draws
# boxes (tofu) and the widths measured are not the ones users see. The dashboard itself downloads no
# font (app/globals.css uses the system's); this is the system font a Debian machine would have.
cjk_font() { command -v fc-list >/dev/null && [[ -n "$(fc-list :lang=zh family)" ]]; }
if ! cjk_font; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "No Chinese (CJK) font found (fc-list :lang=zh); installing Debian's fonts-noto-cjk package"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null
  fi
  cjk_font || missing "a Chinese font (fc-list :lang=zh lists none). Install one (Debian: apt-get install fonts-noto-cjk)."
fi
echo "CJK font: $(fc-list :lang=zh family | head -1)"

pg_up() { node -e 'const c=new (require("pg").Client)({connectionString:process.env.TEST_POSTGRES_URL,connectionTimeoutMillis:3000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))'; }
if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    echo "PostgreSQL not answering; starting it with pg_ctlcluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 20); do pg_up && break; sleep 0.5; done
  fi
  pg_up || missing "PostgreSQL at $TEST_POSTGRES_URL (a server where that user may CREATE DATABASE). Start one or set TEST_POSTGRES_URL."
fi
echo "PostgreSQL: $TEST_POSTGRES_URL"

# The Prisma clients are generated (not committed): regenerate them when missing or when a schema
# is newer than them (a pulled or edited schema), so tests never run against a stale client.
clients_stale() {
  local dialect
  for dialect in sqlite postgresql; do
    [[ -f "lib/db/generated/$dialect/client.ts" ]] || return 0
    [[ "prisma/$dialect/schema.prisma" -nt "lib/db/generated/$dialect/client.ts" ]] && return 0
  done
  return 1
}
if clients_stale; then
  step "Generating the Prisma clients (a schema is newer than them)"
  node scripts/prisma-generate.mjs
fi

step "Type-check (tsc)"
npx tsc --noEmit

step "Lint (biome)"
npx biome ci .

step "Unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$RESULTS/unit.json"

step "Production build"
npx next build

step "Integration tests (SQLite and PostgreSQL)"
# Three files at a time: they mostly wait on their own servers and on PostgreSQL, and vitest's
# default on two cores (cores - 1) ran them one by one (17 minutes).
npx vitest run --project integration-sqlite --project integration-postgresql --maxWorkers=3 \
  --reporter=default --reporter=json --outputFile.json="$RESULTS/integration.json"

step "Reliability suite (CI-sized: SIGKILL under load, duplicate storm, database outages, dashboard load)"
npx vitest run --project reliability --reporter=default --reporter=json --outputFile.json="$RESULTS/reliability.json"

step "Browser tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/browser.json" npx playwright test --reporter=list,json

step "Summary"
node scripts/test-summary.mjs "$RESULTS"
