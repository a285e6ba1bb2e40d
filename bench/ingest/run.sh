#!/usr/bin/env bash
# The ingest benchmark of issue 2: Sextant against the Zipkin server (in-memory storage), on this
# machine, with the same generated spans. Prints one table; details go to bench/work/ingest-<time>/.
#
#   bench/ingest/run.sh                      # defaults below
#   LOAD_SECONDS=20 CONCURRENCY=8 bench/ingest/run.sh
#
# Settings (environment):
#   LOAD_SECONDS       sending window of each measured load (default 25)
#   MAX_SPANS          spans built per load; the window usually ends first (default 2000000)
#   WARMUP_SPANS       spans sent before each measured load, not counted (default 300000)
#   CONCURRENCY        requests in flight (default 8)
#   SPANS_PER_REQUEST  spans per request (default 500)
#   ZIPKIN_HEAP        Zipkin's fixed, pre-touched heap (default 8g, as research/ingest-limits.md)
#   INGEST_PATHS       Sextant's ingest paths to measure, each on a fresh directory: "log" (the
#                      segment log, ADR 0021) and/or "commit" (group commit, ADR 0005); default both
#   SKIP_BUILD=1       use the jars already built
#   SIGNAL=metrics     instead: OTLP/HTTP metrics (gauge points, MetricGenerator) into Sextant
#                      alone, points/s and bytes per point on disk (no Zipkin; MAX_SPANS,
#                      WARMUP_SPANS and SPANS_PER_REQUEST then count points)
#
# Everything binds to 127.0.0.1 on free ports, and every process it starts is stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

LOAD_SECONDS=${LOAD_SECONDS:-25}
MAX_SPANS=${MAX_SPANS:-2000000}
WARMUP_SPANS=${WARMUP_SPANS:-300000}
CONCURRENCY=${CONCURRENCY:-8}
SPANS_PER_REQUEST=${SPANS_PER_REQUEST:-500}
ZIPKIN_HEAP=${ZIPKIN_HEAP:-8g}
ZIPKIN_VERSION=3.6.1
SIGNAL=${SIGNAL:-traces}
unit=spans
[ "$SIGNAL" = metrics ] && unit=points

work="$root/bench/work"
run="$work/ingest-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
log() { echo "run.sh: $*" >&2; }
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

# --- processes we start, stopped on any exit --------------------------------------------------
pids=()
cleanup() {
  local p
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

# --- build -----------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building server and load generator"
  ./mvnw -B -q -Dspotless.check.skip=true -DskipTests package -pl bench -am >"$run/build.log" 2>&1 \
    || { log "build failed; see $run/build.log"; exit 1; }
fi
zipkin_jar="$work/zipkin-server-$ZIPKIN_VERSION-exec.jar"
if [ "$SIGNAL" != metrics ] && [ ! -f "$zipkin_jar" ]; then
  log "fetching io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec"
  ./mvnw -B -q -N dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    -DoutputDirectory="$work" >"$run/fetch.log" 2>&1 \
    || { log "could not fetch the Zipkin server; see $run/fetch.log"; exit 1; }
fi

# --- one measured load -----------------------------------------------------------------------
# load <name> <target> <url> <server pid>: runs the load generator, keeps its RESULT line and the
# server's CPU seconds during the measured part in results/<name>.
mkdir -p "$run/results"
load_heap=$(( (MAX_SPANS + WARMUP_SPANS) / 500000 + 2 ))g
load() {
  local name=$1 target=$2 url=$3 server=$4 out cpu0 cpu1 warm
  log "load $name: $target -> $url (${LOAD_SECONDS}s, $CONCURRENCY in flight)"
  "$java" "-Xmx$load_heap" "${jvm_flags[@]}" -jar bench/target/sextant-bench.jar \
    --target "$target" --url "$url" --spans "$MAX_SPANS" --warmup-spans "$WARMUP_SPANS" \
    --duration-seconds "$LOAD_SECONDS" --concurrency "$CONCURRENCY" \
    --spans-per-request "$SPANS_PER_REQUEST" --timeout-seconds $((LOAD_SECONDS + 300)) \
    >"$run/$name.out" 2>"$run/$name.err" &
  local gen=$!
  # The server's CPU is read when the measured part starts, so the warm-up is not counted.
  while kill -0 "$gen" 2>/dev/null && ! grep -qs "^ingest-load: measuring" "$run/$name.err"; do
    sleep 0.1
  done
  cpu0=$(cpu_seconds "$server")
  thread_cpu "$server" >"$run/$name.threads0"
  wait "$gen" || log "load $name: load generator exited with $? (see $run/$name.err)"
  cpu1=$(cpu_seconds "$server")
  # Where the server's CPU went during the measured part, by thread (the "java" threads of
  # Sextant are DuckDB's own workers).
  thread_cpu "$server" | join -t $'\t' "$run/$name.threads0" - \
    | awk -F'\t' '{ d = $3 - $2; if (d >= 0.05) printf "%7.2f s  %s\n", d, $1 }' \
    | sort -rn >"$run/$name.threads"
  rm -f "$run/$name.threads0"
  out=$(grep '^RESULT' "$run/$name.out" || true)
  if [ -z "$out" ]; then
    log "load $name printed no result; see $run/$name.err"
    return 1
  fi
  warm=$(sed -n 's/^ingest-load: warm-up \([0-9]*\) spans in.*/\1/p' "$run/$name.err")
  echo "$out warmup_acked=${warm:-0}" \
    "server_cpu_s=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')" \
    "loadavg=$(cut -d' ' -f1 /proc/loadavg)" >"$run/results/$name"
  log "  $(cut -d' ' -f2-12 <<<"$out")"
}

# --- Sextant ---------------------------------------------------------------------------------
# Once per ingest path: "log" (the segment log, ADR 0021: the default) and "commit" (the group
# commit into DuckDB, ADR 0005), each over a fresh data directory.
run_sextant() { # path
  local path=$1 data="$run/sextant-data-$1" sextant= attempt grpc_port http_port zipkin_port
  local api_port status queued i f r
  for attempt in 1 2 3; do
    pick_port; grpc_port=$PORT
    pick_port; http_port=$PORT
    pick_port; zipkin_port=$PORT
    pick_port; api_port=$PORT
    log "starting Sextant, ingest path $path (data in $data)"
    SEXTANT_INGEST_PATH=$path "$java" "${jvm_flags[@]}" -jar server/target/sextant-server.jar \
      serve --bind 127.0.0.1 --data-dir "$data" --otlp-grpc-port "$grpc_port" \
      --otlp-http-port "$http_port" --zipkin-port "$zipkin_port" --api-port "$api_port" \
      >>"$run/sextant-$path.log" 2>&1 &
    sextant=$!
    pids+=("$sextant")
    wait_http "http://127.0.0.1:$api_port/health" 120 "$sextant" && break
    stop "$sextant" 10
    sextant=
  done
  [ -n "$sextant" ] || { log "Sextant did not start; see $run/sextant-$path.log"; exit 1; }

  if [ "$SIGNAL" = metrics ]; then
    load "sextant-$path-otlp-metrics" otlp-metrics "http://127.0.0.1:$http_port/v1/metrics" "$sextant"
  else
    load "sextant-$path-otlp-http" otlp-http "http://127.0.0.1:$http_port/v1/traces" "$sextant"
    load "sextant-$path-otlp-grpc" otlp-grpc "http://127.0.0.1:$grpc_port" "$sextant"
    load "sextant-$path-zipkin" zipkin "http://127.0.0.1:$zipkin_port/api/v2/spans" "$sextant"
  fi

  local rss_kb
  rss_kb=$(vm_hwm_kb "$sextant")
  # Acknowledged events reach the store when the loader has caught up (the log path).
  for i in $(seq 600); do
    status=$(curl -sf "http://127.0.0.1:$api_port/api/v1/status" || true)
    queued=$(sed -n 's/.*"queued_events":\([0-9]*\).*/\1/p' <<<"$status")
    [ "${queued:-1}" = 0 ] && break
    sleep 0.2
  done
  echo "$status" >"$run/sextant-$path-status.json"
  curl -sf "http://127.0.0.1:$api_port/api/v1/services?from=0&to=$(( $(date +%s) * 1000 + 86400000 ))" \
    >"$run/sextant-$path-services.json"
  local stored by_service acked=0
  stored=$(sed -n 's/.*"store":{[^}]*"events":\([0-9]*\).*/\1/p' "$run/sextant-$path-status.json")
  by_service=$(grep -o '"events":[0-9]*' "$run/sextant-$path-services.json" | cut -d: -f2 \
    | awk '{ n += $1 } END { print n + 0 }')
  for f in "$run"/results/sextant-"$path"-*; do
    r=$(cat "$f")
    acked=$((acked + $(field "$r" "acked_$unit") + $(field "$r" warmup_acked)))
  done
  log "stopping Sextant (SIGTERM)"
  local stop_s=$SECONDS db_bytes=0 log_bytes=0
  stop "$sextant" 120
  stop_s=$((SECONDS - stop_s))
  for f in "$data/sextant.duckdb" "$data/sextant.duckdb.wal"; do
    [ -f "$f" ] && db_bytes=$((db_bytes + $(stat -c %s "$f")))
  done
  for f in "$data"/log/*.seg; do
    [ -f "$f" ] && log_bytes=$((log_bytes + $(stat -c %s "$f")))
  done
  if [ "$stored" != "$acked" ] || { [ "$SIGNAL" != metrics ] && [ "$by_service" != "$acked" ]; }; then
    log "WARNING: Sextant ($path) acknowledged $acked spans but stores $stored (services: $by_service)"
  fi
  echo "acked=$acked stored=$stored by_service=$by_service bytes=$db_bytes log_bytes=$log_bytes stop_s=$stop_s rss_kb=$rss_kb" \
    >"$run/sextant-$path.summary"
}

INGEST_PATHS=${INGEST_PATHS:-log commit}
for path in $INGEST_PATHS; do
  run_sextant "$path"
done

if [ "$SIGNAL" = metrics ]; then
  {
    echo
    echo "Metrics ingest benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "JDK: $("$java" -version 2>&1 | head -1); loads of ${LOAD_SECONDS}s, $CONCURRENCY requests in flight, $SPANS_PER_REQUEST gauge points per request, after $WARMUP_SPANS warm-up points"
    echo
    printf '%-22s %10s %9s %9s %7s %7s %13s %12s\n' "server / protocol" "points/s" "p50 ms" \
      "p99 ms" "429s" "errors" "CPU µs/point" "B/point"
    for path in $INGEST_PATHS; do
      r=$(cat "$run/results/sextant-$path-otlp-metrics")
      sum=$(cat "$run/sextant-$path.summary")
      printf '%-22s %10s %9s %9s %7s %7s %13s %12s\n' "Sextant[$path] metrics" \
        "$(field "$r" points_per_s)" "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" \
        "$(field "$r" overloaded)" "$(field "$r" errors)" \
        "$(awk -v c="$(field "$r" server_cpu_s)" -v n="$(field "$r" acked_points)" \
          'BEGIN { printf "%.2f", (n > 0 ? c * 1e6 / n : 0) }')" \
        "$(awk -v b="$(field " $sum" bytes)" -v n="$(field " $sum" stored)" \
          'BEGIN { printf "%.1f", (n > 0 ? b / n : 0) }')"
      echo "  Sextant[$path]: acknowledged $(field " $sum" acked) points, stored $(field " $sum" stored); $(field " $sum" bytes) bytes in sextant.duckdb after SIGTERM; wire $(field "$r" wire_bytes_per_point) B/point; peak RSS $(( $(field " $sum" rss_kb) / 1024 )) MB"
      echo "  CPU by thread: $(head -6 "$run/sextant-$path-otlp-metrics.threads" \
        | awk '{ printf "%s%s %s s", (NR > 1 ? ", " : ""), substr($0, index($0, " s  ") + 4), $1 }')"
    done
    echo "Details: ${run#"$root"/}"
  } | tee "$run/summary.txt"
  exit 0
fi

# --- Zipkin ----------------------------------------------------------------------------------
zipkin=
for attempt in 1 2 3; do
  pick_port; zport=$PORT
  # Hold every span sent (the default keeps only 500k), as Sextant does.
  log "starting Zipkin $ZIPKIN_VERSION (in-memory, -Xms$ZIPKIN_HEAP -Xmx$ZIPKIN_HEAP, pre-touched)"
  STORAGE_TYPE=mem MEM_MAX_SPANS=$((MAX_SPANS + WARMUP_SPANS)) \
    "$java" "-Xms$ZIPKIN_HEAP" "-Xmx$ZIPKIN_HEAP" -XX:+AlwaysPreTouch -jar "$zipkin_jar" \
    "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$zport" \
    "--armeria.ports[0].protocols=http" >>"$run/zipkin.log" 2>&1 &
  zipkin=$!
  pids+=("$zipkin")
  wait_http "http://127.0.0.1:$zport/health" 180 "$zipkin" && break
  stop "$zipkin" 10
  zipkin=
done
[ -n "$zipkin" ] || { log "Zipkin did not start; see $run/zipkin.log"; exit 1; }
load zipkin-zipkin zipkin "http://127.0.0.1:$zport/api/v2/spans" "$zipkin"
zipkin_rss_kb=$(vm_hwm_kb "$zipkin")
stop "$zipkin" 60

# --- the table -------------------------------------------------------------------------------
row() { # label, results file
  local r
  r=$(cat "$run/results/$2")
  printf '%-22s %10s %9s %9s %7s %7s %12s %9s\n' "$1" "$(field "$r" spans_per_s)" \
    "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" "$(field "$r" overloaded)" \
    "$(field "$r" errors)" \
    "$(awk -v c="$(field "$r" server_cpu_s)" -v n="$(field "$r" acked_spans)" \
      'BEGIN { printf "%.1f", (n > 0 ? c * 1e6 / n : 0) }')" "$(field "$r" loadavg)"
}
rate() { field "$(cat "$run/results/$1")" spans_per_s; }
{
  echo
  echo "Ingest benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "JDK: $("$java" -version 2>&1 | head -1); loads of ${LOAD_SECONDS}s each, $CONCURRENCY requests in flight, $SPANS_PER_REQUEST spans per request, after $WARMUP_SPANS warm-up spans"
  echo
  printf '%-22s %10s %9s %9s %7s %7s %12s %9s\n' "server / protocol" "spans/s" "p50 ms" \
    "p99 ms" "429s" "errors" "CPU µs/span" "load avg"
  for path in $INGEST_PATHS; do
    row "Sextant[$path] OTLP/HTTP" "sextant-$path-otlp-http"
    row "Sextant[$path] OTLP/gRPC" "sextant-$path-otlp-grpc"
    row "Sextant[$path] Zipkin" "sextant-$path-zipkin"
  done
  row "Zipkin Zipkin JSON" zipkin-zipkin
  echo
  for path in $INGEST_PATHS; do
    sum=$(cat "$run/sextant-$path.summary")
    awk -v b="$(field " $sum" bytes)" -v n="$(field " $sum" stored)" -v p="$path" 'BEGIN {
      printf "Sextant[%s] on disk: %d bytes / %d spans stored = %.1f bytes/span (after SIGTERM)", p, b, n, (n > 0 ? b / n : 0) }'
    echo "; log segments left: $(field " $sum" log_bytes) bytes"
    echo "Sextant[$path] spans: acknowledged $(field " $sum" acked), stored $(field " $sum" stored) (status), $(field " $sum" by_service) (services); stopped in $(field " $sum" stop_s)s; peak RSS $(( $(field " $sum" rss_kb) / 1024 )) MB"
    awk -v z="$(rate zipkin-zipkin)" -v sz="$(rate "sextant-$path-zipkin")" \
      -v h="$(rate "sextant-$path-otlp-http")" -v g="$(rate "sextant-$path-otlp-grpc")" -v p="$path" 'BEGIN {
      printf "Sextant[%s] / Zipkin, same Zipkin JSON load: %.2f; OTLP/HTTP / Zipkin: %.2f; OTLP/gRPC / Zipkin: %.2f\n", p, sz / z, h / z, g / z }'
  done
  echo "Zipkin peak RSS (VmHWM): $(( zipkin_rss_kb / 1024 )) MB (heap fixed at $ZIPKIN_HEAP and pre-touched)"
  echo "Sextant's CPU by thread during each measured load (DuckDB's workers show as \"java\"):"
  for path in $INGEST_PATHS; do
    for n in otlp-http otlp-grpc zipkin; do
      echo "  $path $n: $(head -6 "$run/sextant-$path-$n.threads" \
        | awk '{ printf "%s%s %s s", (NR > 1 ? ", " : ""), substr($0, index($0, " s  ") + 4), $1 }')"
    done
  done
  echo "Details: ${run#"$root"/}"
} | tee "$run/summary.txt"
