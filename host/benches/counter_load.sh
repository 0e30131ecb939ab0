#!/usr/bin/env bash
# HTTP load benchmark for the visits-counter, on this machine, in one run:
# requests/s and p50/p99 latency of /api/health, an SVG badge with increment,
# the same with no_increment=1, and format=png — and each as a ratio to
# /api/health. Needs `wrk` (Debian: apt-get install wrk).
#
#   host/benches/counter_load.sh [seconds-per-run] [connections] [rounds]
#
# With WAYMARK_BENCH_BASELINE=/path/to/an/older/waymark, that binary is
# measured in the same run (its own server and data dir, interleaved with
# this build's rounds), and the table shows both side by side: "before and
# after" numbers taken under the same machine conditions.
#
# Endpoints are measured in interleaved rounds (health, svg, …, health, svg,
# …) and each reports its median round, so a noisy neighbour on a shared
# machine skews all endpoints alike instead of whichever ran at the time.
#
# The server runs from a release build with metering off (limits would
# otherwise answer 429 to the load), SQLite in a temporary data dir.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-10}
CONNECTIONS=${2:-64}
ROUNDS=${3:-3}
PORT=${WAYMARK_BENCH_PORT:-18999}

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release -p waymark >&2
# label|binary|port
BUILDS=("this build|./target/release/waymark|${PORT}")
if [ -n "${WAYMARK_BENCH_BASELINE:-}" ]; then
    BUILDS=("baseline|${WAYMARK_BENCH_BASELINE}|$((PORT + 1))" "${BUILDS[@]}")
fi
DATA=$(mktemp -d)
SERVERS=()
trap 'kill "${SERVERS[@]}" 2>/dev/null || true; rm -rf "$DATA"' EXIT
for build in "${BUILDS[@]}"; do
    IFS='|' read -r label bin port <<<"$build"
    mkdir -p "$DATA/$port"
    WAYMARK_LISTEN="127.0.0.1:${port}" WAYMARK_DATA_DIR="$DATA/$port" WAYMARK_METERING__ENABLED=false \
        WAYMARK_LOG=warn "$bin" serve 2>"$DATA/$port/server.log" &
    SERVERS+=($!)
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:${port}/api/health" >/dev/null && break; sleep 0.1; done
done

# name|path
ENDPOINTS=(
    "/api/health|/api/health"
    "SVG badge, increment|/api/visits-counter?site=bench&name=home"
    "SVG badge, no_increment=1|/api/visits-counter?site=bench&name=home&no_increment=1"
    "PNG badge (increment)|/api/visits-counter?site=bench&name=png&format=png"
)

# wrk prints latencies like 1.23ms / 812.00us / 1.01s; normalise to ms.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else printf "%s", v }'
}

declare -A RESULTS # "name round" -> "rps p50 p99"
for build in "${BUILDS[@]}"; do
    IFS='|' read -r _ _ port <<<"$build"
    for entry in "${ENDPOINTS[@]}"; do
        wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:${port}${entry#*|}" >/dev/null # warm-up
    done
done
for round in $(seq 1 "$ROUNDS"); do
  for build in "${BUILDS[@]}"; do
    IFS='|' read -r label _ port <<<"$build"
    for entry in "${ENDPOINTS[@]}"; do
        name=${entry%%|*}
        path=${entry#*|}
        out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:${port}$path")
        rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
        p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
        p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
        errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
        if [ -n "$errors" ]; then echo "  ($errors non-2xx responses for $name, $label)" >&2; fi
        RESULTS["$label|$name $round"]="$rps $p50 $p99"
    done
  done
done

# The median round of an endpoint (by req/s): "rps p50 p99".
median() {
    for round in $(seq 1 "$ROUNDS"); do echo "${RESULTS["$1 $round"]}"; done | sort -n -k1,1 | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)'
}

printf "| build | endpoint | req/s | p50 ms | p99 ms | vs /api/health |\n|---|---|---:|---:|---:|---:|\n"
for build in "${BUILDS[@]}"; do
    IFS='|' read -r label _ _ <<<"$build"
    HEALTH_RPS=""
    for entry in "${ENDPOINTS[@]}"; do
        name=${entry%%|*}
        read -r rps p50 p99 <<<"$(median "$label|$name")"
        [ -z "$HEALTH_RPS" ] && HEALTH_RPS=$rps
        ratio=$(awk -v a="$rps" -v b="$HEALTH_RPS" 'BEGIN {printf "%.0f%%", 100 * a / b}')
        printf "| %s | %s | %.0f | %s | %s | %s |\n" "$label" "$name" "$rps" "$p50" "$p99" "$ratio"
    done
done
