#!/usr/bin/env bash
# The simulator grid of issue 6: two simulated systems (Online Boutique-like, Train Ticket-like),
# every fault kind, controls, baselines and ablations; prints the tables as markdown.
#
#   bench/triage/run.sh                    # the full grid, seed 42 (about a minute on 2 cores)
#   bench/triage/run.sh --seed 7 --reps 3  # another seed, three repetitions per target and kind
#   bench/triage/run.sh --system boutique --misses   # one system, and every case it got wrong
#
# SKIP_BUILD=1 uses the jars already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME="$(bin/java-home)"
export JAVA_HOME
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f bench/target/sextant-bench.jar ]; then
  ./mvnw -B -q -Dspotless.check.skip=true package -DskipTests -pl bench -am
fi
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "bench/target/sextant-bench.jar:bench/target/lib/*" \
  io.sextant.bench.triage.TriageBench "$@"
