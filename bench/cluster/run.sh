#!/usr/bin/env bash
# The scale-out topology of docs/scale-out.md on this machine (issue 15, part 5): a Kafka broker
# (KRaft, from the Maven jars), two ClickHouse shards, one collector, two writers and one query
# node, each its own process on 127.0.0.1 and free ports. Sends the ingest benchmark's load to the
# collector, waits until the query node sees every acknowledged span, asks four questions through
# it, prints one table and stops everything it started, whatever way it exits.
#
#   bench/cluster/run.sh
#   LOAD_SECONDS=60 bench/cluster/run.sh
#
# Settings (environment):
#   LOAD_SECONDS       sending window of the measured load (default 25)
#   MAX_SPANS          measured spans built; the window usually ends first (default 1500000)
#   WARMUP_SPANS       spans sent first, not in spans/s acknowledged (default 100000)
#   CONCURRENCY        requests in flight (default 8)
#   SPANS_PER_REQUEST  spans per request (default 500)
#   TARGET             the collector's protocol: otlp-http, otlp-grpc or zipkin (default otlp-http)
#   ROLE_HEAP          -Xmx of each Sextant role (default 768m)
#   DRAIN_SECONDS      how long to wait for the writers to store what was acknowledged (default 600)
#   SKIP_BUILD=1       use the jars already built
#
# Details (logs of every process, the load's RESULT line, the summary) go to
# bench/work/cluster-<time>/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

LOAD_SECONDS=${LOAD_SECONDS:-25}
MAX_SPANS=${MAX_SPANS:-1500000}
WARMUP_SPANS=${WARMUP_SPANS:-100000}
CONCURRENCY=${CONCURRENCY:-8}
SPANS_PER_REQUEST=${SPANS_PER_REQUEST:-500}
TARGET=${TARGET:-otlp-http}
ROLE_HEAP=${ROLE_HEAP:-768m}
DRAIN_SECONDS=${DRAIN_SECONDS:-600}
DATABASE=sextant

work="$root/bench/work"
run="$work/cluster-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
log() { echo "cluster: $*" >&2; }
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

# --- processes we start, stopped on any exit --------------------------------------------------
# Roles first (a writer stops after the batch in hand), then the engines: the backends JVM stops
# its ClickHouse children and the broker; shards it could not stop are stopped by pid.
roles=()      # "name pid" pairs
backends=
cleanup() {
  local r pids=() p
  trap - EXIT INT TERM
  for r in "${roles[@]:-}"; do
    [ -n "$r" ] && pids+=("${r#* }")
  done
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && stop "$p" 30
  done
  if [ -n "$backends" ]; then
    stop "$backends" 60
  fi
  if [ -f "$run/backends/backends.env" ]; then
    for p in $(sed -n 's/^CLICKHOUSE_[0-9]*_PID=//p' "$run/backends/backends.env"); do
      if kill -0 "$p" 2>/dev/null; then
        log "ClickHouse $p outlived its parent; stopping it"
        stop "$p" 20
      fi
    done
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

vm_hwm_mb() { vm_hwm_kb "$1" | awk '{ printf "%d", $1 / 1024 }'; }
now_s() { date +%s.%N; }

# --- build -----------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the server and the bench jars"
  ./mvnw -B -q -Dspotless.check.skip=true -DskipTests package -pl bench -am >"$run/build.log" 2>&1 \
    || { log "build failed; see $run/build.log"; exit 1; }
fi

# --- Kafka and the ClickHouse shards ---------------------------------------------------------
log "starting Kafka (KRaft) and two ClickHouse shards"
mkdir -p "$run/backends"
"$java" -Xmx1g "${jvm_flags[@]}" -cp bench/target/sextant-bench.jar \
  io.sextant.bench.cluster.ClusterBackends "$run/backends" 2 >"$run/backends.log" 2>&1 &
backends=$!
for _ in $(seq 600); do
  [ -f "$run/backends/backends.env" ] && break
  kill -0 "$backends" 2>/dev/null || { log "the backends did not start; see $run/backends.log"; exit 1; }
  sleep 0.2
done
[ -f "$run/backends/backends.env" ] || { log "the backends took over 120 s; see $run/backends.log"; exit 1; }
# shellcheck disable=SC1091
. "$run/backends/backends.env"
log "Kafka $KAFKA; ClickHouse shards $CLICKHOUSE_SHARDS (cluster $CLICKHOUSE_CLUSTER)"

# --- the roles -------------------------------------------------------------------------------
# start_role NAME ARGS…: serve with free ports, retried on new ones when it does not come up.
# Sets API (the role's API port) and, for the collector, OTLP_HTTP / OTLP_GRPC / ZIPKIN.
start_role() {
  local name=$1 pid attempt grpc http zipkin
  shift
  for attempt in 1 2 3; do
    pick_port; grpc=$PORT
    pick_port; http=$PORT
    pick_port; zipkin=$PORT
    pick_port; API=$PORT
    "$java" "-Xmx$ROLE_HEAP" "${jvm_flags[@]}" -jar server/target/sextant-server.jar serve \
      --bind 127.0.0.1 --data-dir "$run/$name-data" --otlp-grpc-port "$grpc" \
      --otlp-http-port "$http" --zipkin-port "$zipkin" --api-port "$API" "$@" \
      >>"$run/$name.log" 2>&1 &
    pid=$!
    roles+=("$name $pid")
    if wait_http "http://127.0.0.1:$API/health" 120 "$pid"; then
      OTLP_HTTP=$http OTLP_GRPC=$grpc ZIPKIN=$zipkin
      eval "PID_${name//-/_}=$pid API_${name//-/_}=$API"
      log "  $name: pid $pid, API 127.0.0.1:$API"
      return 0
    fi
    stop "$pid" 10
  done
  log "$name did not start; see $run/$name.log"
  exit 1
}
store_on() { # the front server: store flags of a node that reads and writes through it
  echo --store clickhouse --clickhouse "$1" --clickhouse-database "$DATABASE" \
    --clickhouse-cluster "$CLICKHOUSE_CLUSTER" --clickhouse-shards "$CLICKHOUSE_SHARDS"
}
log "starting the roles"
# The query node first: it creates the tables on both shards before the writers need them.
# shellcheck disable=SC2046
start_role query --role query $(store_on "$CLICKHOUSE_1")
start_role collector --role collector --kafka "$KAFKA"
collector_http=$OTLP_HTTP collector_grpc=$OTLP_GRPC collector_zipkin=$ZIPKIN
# Each writer writes through a different shard's Distributed table.
# shellcheck disable=SC2046
start_role writer-1 --role writer --kafka "$KAFKA" $(store_on "$CLICKHOUSE_1")
# shellcheck disable=SC2046
start_role writer-2 --role writer --kafka "$KAFKA" $(store_on "$CLICKHOUSE_2")

query_url="http://127.0.0.1:$API_query"
ask() { # JSON body → the answer; sets ASK_S (seconds) and ASK_STATUS
  local out
  out=$(curl -s -o "$run/answer.json" -w '%{http_code} %{time_total}' -X POST \
    -H 'content-type: application/json' --data "$2" "$query_url$1")
  ASK_STATUS=${out% *} ASK_S=${out#* }
  cat "$run/answer.json"
}
stored_spans() {
  ask /api/v1/query '{"q":"where kind = span | count() | last 3h"}' \
    | sed -n 's/.*"rows":\[\[\([0-9]*\)\]\].*/\1/p'
}
before=$(stored_spans)
[ "${before:-x}" = 0 ] || { log "the query node does not answer a count of 0 before the load (got '${before}')"; exit 1; }

# --- the load ------------------------------------------------------------------------------
case "$TARGET" in
  otlp-http) url="http://127.0.0.1:$collector_http/v1/traces" ;;
  otlp-grpc) url="http://127.0.0.1:$collector_grpc" ;;
  zipkin) url="http://127.0.0.1:$collector_zipkin/api/v2/spans" ;;
  *) log "TARGET is otlp-http, otlp-grpc or zipkin, not $TARGET"; exit 1 ;;
esac
measured_pids() { # "name pid" for every process whose CPU is counted
  local r
  for r in "${roles[@]}"; do
    kill -0 "${r#* }" 2>/dev/null && echo "$r"
  done
  echo "kafka $KAFKA_PID"
  echo "clickhouse-1 $CLICKHOUSE_1_PID"
  echo "clickhouse-2 $CLICKHOUSE_2_PID"
}
snapshot() { # file: "name pid cpu_seconds" a line; then each JVM's threads in <file>.<name>
  local name pid c
  measured_pids | while read -r name pid; do
    c=$(cpu_seconds "$pid" 2>/dev/null) || continue # it has just exited
    echo "$name $pid $c"
  done >"$1"
  while read -r name pid _; do
    case "$name" in
      clickhouse-*) ;;
      *) thread_cpu "$pid" >"$1.$name" ;;
    esac
  done <"$1"
}
load_heap=$(( (MAX_SPANS + WARMUP_SPANS) / 500000 + 2 ))g
log "load: $TARGET -> $url (${LOAD_SECONDS}s after $WARMUP_SPANS warm-up spans, $CONCURRENCY in flight)"
"$java" "-Xmx$load_heap" "${jvm_flags[@]}" -jar bench/target/sextant-bench.jar \
  --target "$TARGET" --url "$url" --spans "$MAX_SPANS" --warmup-spans "$WARMUP_SPANS" \
  --duration-seconds "$LOAD_SECONDS" --concurrency "$CONCURRENCY" \
  --spans-per-request "$SPANS_PER_REQUEST" --timeout-seconds $((LOAD_SECONDS + 600)) \
  >"$run/load.out" 2>"$run/load.err" &
gen=$!
roles+=("load $gen")
# The clock and the CPU counters start when the first request is sent (bodies are built first).
while kill -0 "$gen" 2>/dev/null && ! grep -qs "^ingest-load: built" "$run/load.err"; do
  sleep 0.05
done
t0=$(now_s)
snapshot "$run/cpu0"
# A second snapshot when the measured part starts: the warm-up has warmed every JVM's JIT by then.
while kill -0 "$gen" 2>/dev/null && ! grep -qs "^ingest-load: measuring" "$run/load.err"; do
  sleep 0.05
done
snapshot "$run/cpu_m"
visible_m=$(stored_spans || true)
wait "$gen" || log "the load generator exited with $? (see $run/load.err)"
t_sent=$(now_s)
result=$(grep '^RESULT' "$run/load.out" || true)
[ -n "$result" ] || { log "the load printed no result; see $run/load.err"; exit 1; }
warm=$(sed -n 's/^ingest-load: warm-up \([0-9]*\) spans in.*/\1/p' "$run/load.err")
acked=$(( $(field "$result" acked_spans) + ${warm:-0} ))
log "  $(cut -d' ' -f2-12 <<<"$result"); acknowledged in all: $acked"

# --- wait until the writers have stored everything acknowledged ------------------------------
log "waiting until the query node sees $acked spans"
visible=0
deadline=$((SECONDS + DRAIN_SECONDS))
while [ "$SECONDS" -lt "$deadline" ]; do
  visible=$(stored_spans || true)
  [ "${visible:-0}" -ge "$acked" ] && break
  sleep 0.5
done
t1=$(now_s)
snapshot "$run/cpu1"
# Where each JVM's CPU went after the warm-up, by thread, for whoever wants to look further.
for f in "$run"/cpu1.*; do
  name=${f##*/cpu1.}
  [ -f "$run/cpu_m.$name" ] || continue
  join -t $'\t' "$run/cpu_m.$name" "$f" \
    | awk -F'\t' '{ d = $3 - $2; if (d >= 0.05) printf "%7.2f s  %s\n", d, $1 }' \
    | sort -rn >"$run/$name.threads"
done
rm -f "$run"/cpu0.* "$run"/cpu_m.* "$run"/cpu1.*
if [ "${visible:-0}" -lt "$acked" ]; then
  log "WARNING: after ${DRAIN_SECONDS}s the query node sees $visible of $acked acknowledged spans"
fi
for r in writer-1 writer-2 collector; do
  v=API_${r//-/_}
  curl -s "http://127.0.0.1:${!v}/api/v1/status" >"$run/$r-status.json" || true
done
rss=""
while read -r name pid; do
  rss="$rss $name=$(vm_hwm_mb "$pid")"
done < <(measured_pids | grep -v '^load ')

# --- the questions, through the query node ---------------------------------------------------
# Each is asked four times: the first answer's time, and the best of the three after it.
timed() { # label path body
  local label=$1 first best i
  ask "$2" "$3" >"$run/q-$label.json"
  first=$ASK_S
  [ "$ASK_STATUS" = 200 ] || log "WARNING: $label answered $ASK_STATUS: $(head -c 300 "$run/q-$label.json")"
  best=
  for i in 1 2 3; do
    ask "$2" "$3" >/dev/null
    best=$(awk -v a="${best:-$ASK_S}" -v b="$ASK_S" 'BEGIN { print (b < a ? b : a) }')
  done
  echo "$label $first $best $ASK_STATUS" >>"$run/questions"
}
: >"$run/questions"
user=user-4242
timed user_id /api/v1/query \
  "{\"last\":\"3h\",\"where\":{\"column\":\"user_id\",\"op\":\"=\",\"value\":\"$user\"},\"breakdowns\":[\"trace_id\"]}"
trace=$(grep -o '"rows":\[\["[0-9a-f]*"' "$run/q-user_id.json" | grep -o '[0-9a-f]\{32\}' | head -1 || true)
user_rows=$(grep -o '\["[0-9a-f]\{32\}",' "$run/q-user_id.json" | wc -l)
timed p99_by_service /api/v1/query \
  '{"last":"3h","where":{"column":"kind","op":"=","value":"span"},"breakdowns":["service.name"],"calculations":[{"op":"p99","column":"duration"}]}'
if [ -n "$trace" ]; then
  out=$(curl -s -o "$run/q-trace.json" -w '%{http_code} %{time_total}' "$query_url/api/v1/traces/$trace")
  first=${out#* }
  best=
  for i in 1 2 3; do
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$query_url/api/v1/traces/$trace")
    best=$(awk -v a="${best:-${out#* }}" -v b="${out#* }" 'BEGIN { print (b < a ? b : a) }')
  done
  echo "trace_by_id $first $best ${out% *}" >>"$run/questions"
else
  log "WARNING: $user has no trace to read back"
fi
timed compare /api/v1/compare \
  '{"last":"3h","where":"kind = span","selection":{"where":"error = true"}}'
trace_spans=$(grep -o '"span_id"' "$run/q-trace.json" 2>/dev/null | wc -l)

# --- bytes per span, from each shard's system.parts ------------------------------------------
# As written, and again after OPTIMIZE … FINAL (every part merged, duplicates gone), which is what
# older data looks like once ClickHouse's background merges have caught up.
parts() { # url, table condition → "bytes rows"
  curl -s "$1/" --data-binary "SELECT sum(bytes_on_disk), sum(rows) FROM system.parts WHERE active AND database = '$DATABASE' AND $2 FORMAT TSV"
}
measure_bytes() { # → "events_bytes events_rows all_bytes rows_per_shard…"
  local eb=0 er=0 ab=0 per="" u b n a
  for u in ${CLICKHOUSE_SHARDS//,/ }; do
    read -r b n < <(parts "$u" "table = 'events_local'")
    read -r a _ < <(parts "$u" "1")
    eb=$((eb + b)) er=$((er + n)) ab=$((ab + a)) per="$per/$n"
  done
  echo "$eb $er $ab ${per#/}"
}
read -r events_bytes events_rows all_bytes shard_rows < <(measure_bytes)
for u in ${CLICKHOUSE_SHARDS//,/ }; do
  for t in $(curl -s "$u/" --data-binary "SELECT name FROM system.tables WHERE database = '$DATABASE' AND engine LIKE '%MergeTree'"); do
    curl -sf "$u/" --data-binary "OPTIMIZE TABLE $DATABASE.$t FINAL" >/dev/null \
      || log "WARNING: OPTIMIZE TABLE $t on $u failed"
  done
done
read -r merged_bytes merged_rows merged_all _ < <(measure_bytes)

# --- the table -------------------------------------------------------------------------------
window=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
{
  echo
  echo "Cluster benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Kafka (KRaft, 1 broker), 2 ClickHouse shards (ClickHouse $(curl -s "$CLICKHOUSE_1/" --data-binary 'SELECT version()')), 1 collector, 2 writers, 1 query node; each role -Xmx$ROLE_HEAP"
  echo "load: $TARGET, ${LOAD_SECONDS}s after $WARMUP_SPANS warm-up spans, $CONCURRENCY requests in flight, $SPANS_PER_REQUEST spans/request"
  echo
  printf '%-44s %s\n' "spans/s acknowledged (measured part)" "$(field "$result" spans_per_s) (p50 $(field "$result" p50_ms) ms, p99 $(field "$result" p99_ms) ms, 429s $(field "$result" overloaded), errors $(field "$result" errors))"
  printf '%-44s %s\n' "spans acknowledged (warm-up + measured)" "$acked"
  printf '%-44s %s\n' "spans visible through the query node" "$visible"
  awk -v n="$acked" -v w="$window" -v s="$(awk -v a="$t0" -v b="$t_sent" 'BEGIN { print b - a }')" 'BEGIN {
    printf "%-44s %.0f (%d spans, first send to all visible: %.1f s; sending took %.1f s)\n", "end-to-end visible rate, spans/s", n / w, n, w, s }'
  awk -v b="$events_bytes" -v n="$events_rows" -v a="$all_bytes" -v v="$visible" -v r="$shard_rows" \
    -v mb="$merged_bytes" -v mn="$merged_rows" -v ma="$merged_all" 'BEGIN {
    printf "%-44s %.1f as written (%d bytes / %d rows; rows per shard %s); %.1f merged (%d / %d)\n", "bytes/span in ClickHouse, events table", (n > 0 ? b / n : 0), b, n, r, (mn > 0 ? mb / mn : 0), mb, mn
    printf "%-44s %.1f as written (%d bytes); %.1f merged (%d)\n", "bytes/span in ClickHouse, all tables", (v > 0 ? a / v : 0), a, (v > 0 ? ma / v : 0), ma }'
  echo
  printf '%-18s %10s %10s %8s\n' "question" "first ms" "best ms" "status"
  while read -r label first best status; do
    printf '%-18s %10.0f %10.0f %8s\n' "$label" "$(awk -v s="$first" 'BEGIN { print s * 1000 }')" \
      "$(awk -v s="$best" 'BEGIN { print s * 1000 }')" "$status"
  done <"$run/questions"
  echo "(user_id = $user: $user_rows traces; trace $trace: $trace_spans spans)"
  echo
  # Spans each process handled after the warm-up: the collector and Kafka took the measured
  # spans; the writers, ClickHouse and the query node stored what was not yet visible then.
  printf '%-16s %8s %9s %11s %10s %14s %9s\n' "process" "pid" "CPU s" "CPU s (m)" "µs/span" "spans/CPU-s" "peak RSS"
  join <(sort "$run/cpu0") <(sort "$run/cpu_m") | join - <(sort "$run/cpu1") \
    | awk -v measured="$(field "$result" acked_spans)" -v stored="$((acked - ${visible_m:-0}))" -v rss="$rss " '
    {
      n = ($1 == "collector" || $1 == "kafka") ? measured : stored
      all = $7 - $3; m = $7 - $5
      match(rss, " " $1 "=[0-9]+"); mem = substr(rss, RSTART + length($1) + 2, RLENGTH - length($1) - 2)
      printf "%-16s %8s %9.1f %11.1f %10.1f %14.0f %6s MB\n", $1, $2, all, m, (n > 0 ? m * 1e6 / n : 0), (m > 0 ? n / m : 0), mem
      if ($1 ~ /^writer/) { wa += all; wm += m }
      if ($1 ~ /^clickhouse/) { ca += all; cm += m }
      ta += all; tm += m
    }
    END {
      printf "%-16s %8s %9.1f %11.1f %10.1f %14.0f\n", "writers", "", wa, wm, wm * 1e6 / stored, (wm > 0 ? stored / wm : 0)
      printf "%-16s %8s %9.1f %11.1f %10.1f %14.0f\n", "clickhouse", "", ca, cm, cm * 1e6 / stored, (cm > 0 ? stored / cm : 0)
      printf "%-16s %8s %9.1f %11.1f %10.1f %14.0f\n", "all of them", "", ta, tm, tm * 1e6 / stored, (tm > 0 ? stored / tm : 0)
    }'
  awk -v a="$t0" -v b="$t1" -v w="$window" -v c="$(join <(sort "$run/cpu0") <(sort "$run/cpu1") | awk '{ s += $5 - $3 } END { print s }')" 'BEGIN {
    printf "(the processes above kept %.2f cores busy over the %.1f s from the first request sent to the last span visible)\n", c / w, w }'
  echo "CPU s: from the first request sent (warm-up included) to every acknowledged span visible; CPU s (m): from the"
  echo "measured part's start to the same end, per span the process handled after the warm-up ($(field "$result" acked_spans) taken by"
  echo "the collector, $((acked - ${visible_m:-0})) stored, $visible_m being visible when it started); each writer's row divides by"
  echo "all the spans stored, of which it stored about half: the \"writers\" row is the role's cost."
  echo "Each JVM's CPU by thread after the warm-up: <role>.threads in the details."
  echo "Details: ${run#"$root"/}"
} | tee "$run/summary.txt"
