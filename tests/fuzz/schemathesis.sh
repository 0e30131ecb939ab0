#!/usr/bin/env bash
# Schema-based fuzzing of the served API: schemathesis (from PyPI, in a venv
# under target/) generates requests from /openapi.json and checks every
# answer against it, with every check on. One run signed in as an admin, one
# anonymous; each bounded by FUZZ_SECONDS (default 120). Exits non-zero on
# any failure. Needs a built `target/debug/waymark` (the test command
# builds it).
#
# Usage: tests/fuzz/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_RUN=${FUZZ_SECONDS:-120}
SCHEMATHESIS_VERSION=4.32.5
BIN=target/debug/waymark
VENV=target/schemathesis-venv
CONFIG=tests/fuzz/schemathesis.toml

if [ ! -x "$VENV/bin/st" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==${SCHEMATHESIS_VERSION}"
fi

work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A server of its own: SQLite in a scratch directory, no quotas (the fuzzer
# is one client sending thousands of requests), short unshort timeouts (its
# URLs lead nowhere; there is no network here).
export WAYMARK_DATA_DIR="$work/data"
export WAYMARK_LISTEN=127.0.0.1:0
export WAYMARK_METERING__ENABLED=false
export WAYMARK_UNSHORT__HOP_TIMEOUT_MS=300
export WAYMARK_UNSHORT__TOTAL_TIMEOUT_MS=1000
export WAYMARK_LOG=warn,waymark=info
"$BIN" serve >"$work/server.log" 2>&1 &
server_pid=$!
base=
for _ in $(seq 1 300); do
    base=$(sed -n 's/.*listening on \([0-9.:]*\).*/\1/p' "$work/server.log" | head -n 1)
    [ -n "$base" ] && curl -fsS "http://$base/api/health" >/dev/null 2>&1 && break
    base=
    sleep 0.1
done
[ -n "$base" ] || { cat "$work/server.log"; echo "fuzz: server did not start" >&2; exit 1; }

key=$(echo 'fuzz-password-1' | "$BIN" admin create --email fuzz@example.com --password-stdin | sed -n 's/.*API key: //p')
[ -n "$key" ] || { echo "fuzz: no admin key" >&2; exit 1; }

run() {
    local what=$1
    shift
    echo "== schemathesis ($what, ${SECONDS_PER_RUN} s)"
    "$VENV/bin/st" --config-file "$CONFIG" run "http://$base/openapi.json" \
        --max-time "$SECONDS_PER_RUN" --seed 1 --no-color ${FUZZ_EXTRA:-} "$@"
}

status=0
# The anonymous run covers the counter. The admin run leaves it out: it may
# disable every theme plugin, after which the counter rightly answers 5021
# (no theme installed), a 502 the server-error check would report.
run "anonymous" || status=1
run "signed in as an admin" -H "Authorization: Bearer $key" --exclude-path /api/visits-counter || status=1
if grep -q "panicked" "$work/server.log"; then
    grep -n "panicked" "$work/server.log" >&2
    status=1
fi
exit $status
