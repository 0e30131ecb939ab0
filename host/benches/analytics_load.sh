#!/usr/bin/env bash
# HTTP load benchmark for analytics ingest, on this machine, in one run:
# requests/s and p50/p99 latency of /api/health and of POST /api/events
# (authenticated, a realistic mix of user agents, pages, referrers and
# client addresses: see analytics_load.lua), and events as a ratio to
# /api/health. Target (issue #11): POST /api/events ≥ 40% of /api/health.
# Needs `wrk` (Debian: apt-get install wrk).
#
#   host/benches/analytics_load.sh [seconds-per-run] [connections] [rounds]
#
# The two endpoints are measured in interleaved rounds and each reports its
# median round (as counter_load.sh does). The server runs from a release
# build with metering off (limits would answer 429 to the load), SQLite in
# a temporary data dir, the built-in enrichers and MaxMind's test GeoIP
# databases. Answers other than 200 (a full buffer's 503) are counted and
# shown: they are not successes.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-10}
CONNECTIONS=${2:-64}
ROUNDS=${3:-3}
PORT=${WAYMARK_BENCH_PORT:-18998}
BASE="http://127.0.0.1:${PORT}"

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release -p waymark >&2
DATA=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
WAYMARK_LISTEN="127.0.0.1:${PORT}" WAYMARK_DATA_DIR="$DATA" WAYMARK_METERING__ENABLED=false WAYMARK_LOG=warn \
    WAYMARK_ANALYTICS__GEOIP_CITY_DB="$PWD/tests/data/geoip/GeoIP2-City-Test.mmdb" \
    WAYMARK_ANALYTICS__GEOIP_ISP_DB="$PWD/tests/data/geoip/GeoIP2-ISP-Test.mmdb" \
    ./target/release/waymark serve 2>"$DATA/server.log" &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "$BASE/api/health" >/dev/null && break; sleep 0.1; done

json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
TOKEN=$(curl -sf "$BASE/api/auth/register" -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"bench-password-1"}' | json '["data"]["token"]')
SITE=$(curl -sf "$BASE/api/sites" -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    -d '{"name":"Bench","domain":"bench.example"}' | json '["data"]["id"]')
export WAYMARK_BENCH_TOKEN=$TOKEN WAYMARK_BENCH_SITE=$SITE
SCRIPT=host/benches/analytics_load.lua

to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else printf "%s", v }'
}

# name|wrk arguments
ENDPOINTS=("/api/health|$BASE/api/health" "POST /api/events|-s $SCRIPT $BASE/api/events")
declare -A RESULTS
for entry in "${ENDPOINTS[@]}"; do
    # shellcheck disable=SC2086
    wrk -t1 -c"$CONNECTIONS" -d2s ${entry#*|} >/dev/null # warm-up
done
for round in $(seq 1 "$ROUNDS"); do
    for entry in "${ENDPOINTS[@]}"; do
        name=${entry%%|*}
        # shellcheck disable=SC2086
        out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency ${entry#*|})
        rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
        p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
        p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
        errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
        RESULTS["$name $round"]="$rps $p50 $p99 ${errors:-0}"
    done
done

median() {
    for round in $(seq 1 "$ROUNDS"); do echo "${RESULTS["$1 $round"]}"; done | sort -n -k1,1 | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)'
}

STORED=$(curl -sf "$BASE/api/events/$SITE?page_size=1" -H "Authorization: Bearer $TOKEN" | json '["data"]["total"]')
printf "| endpoint | req/s | p50 ms | p99 ms | non-200 | vs /api/health |\n|---|---:|---:|---:|---:|---:|\n"
HEALTH_RPS=""
for entry in "${ENDPOINTS[@]}"; do
    name=${entry%%|*}
    read -r rps p50 p99 errors <<<"$(median "$name")"
    [ -z "$HEALTH_RPS" ] && HEALTH_RPS=$rps
    ratio=$(awk -v a="$rps" -v b="$HEALTH_RPS" 'BEGIN {printf "%.0f%%", 100 * a / b}')
    printf "| %s | %.0f | %s | %s | %s | %s |\n" "$name" "$rps" "$p50" "$p99" "$errors" "$ratio"
done
echo
echo "events stored when the table was printed: $STORED"
