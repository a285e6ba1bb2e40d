#!/usr/bin/env bash
# The evaluation of issue 6, as markdown tables.
#
#   bench/triage/run.sh                    # the simulator grid, seed 42 (about a minute on 2 cores):
#                                          # two simulated systems (Online Boutique-like, Train
#                                          # Ticket-like), every fault kind, controls, baselines,
#                                          # ablations
#   bench/triage/run.sh --seed 7 --reps 3  # another seed, three repetitions per target and kind
#   bench/triage/run.sh --system boutique --misses   # one system, and every case it got wrong
#   bench/triage/run.sh --demo [REPS CONTROLS FLAKY] # the running demo: every fault kind × 5
#                                          # targets × REPS (3), CONTROLS no-fault (10) and FLAKY
#                                          # flaky-probe controls (10); about 40 minutes
#   bench/triage/run.sh --all              # both, one after the other
#   bench/triage/run.sh --spring [--reps N] [--kinds a,b] [--controls N] [--pairs] [--out FILE]
#                                          # the springsys shop (bench/springsys): Spring Boot
#                                          # services with the OpenTelemetry agent, PostgreSQL,
#                                          # Kafka; 8 fault kinds × 4 targets × REPS (3) and
#                                          # CONTROLS (10) no-fault controls, half under a
#                                          # neighbour's CPU load; about 10 minutes per repetition
#
# SKIP_BUILD=1 uses the jars already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME="$(bin/java-home)"
export JAVA_HOME
case "${1:-}" in
  --demo) shift; exec bench/triage/demo-grid.sh "$@" ;;
  --all) shift; bench/triage/run.sh; exec bench/triage/demo-grid.sh ;;
  --spring)
    shift
    if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f bench/springsys/target/springsys.jar ]; then
      ./mvnw -B -q -Dspotless.check.skip=true package -DskipTests -pl bench/springsys -am
    fi
    exec "$JAVA_HOME/bin/java" -Xmx768m --enable-native-access=ALL-UNNAMED \
      -cp "bench/springsys/target/classes:bench/springsys/target/lib/*" \
      io.sextant.bench.springsys.SpringGrid "$@" ;;
esac
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f bench/target/sextant-bench.jar ]; then
  ./mvnw -B -q -Dspotless.check.skip=true package -DskipTests -pl bench -am
fi
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "bench/target/sextant-bench.jar:bench/target/lib/*" \
  io.sextant.bench.triage.TriageBench "$@"
