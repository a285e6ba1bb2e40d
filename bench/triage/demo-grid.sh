#!/usr/bin/env bash
# Triage on the running demo (issue 6): every fault kind × 5 targets × REPS, plus CONTROLS no-fault
# cases, each triaged right after injection, with Ochiai-on-production, BARO-style and random
# baselines in the same run, then FLAKY flaky-probe controls.
# Usage: bench/triage/demo-grid.sh [REPS=3] [CONTROLS=10] [FLAKY=10] [KIND,KIND…] (or run.sh --demo)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME="$(bin/java-home)"
export JAVA_HOME
./mvnw -B -q -Dspotless.check.skip=true package -DskipTests -pl bench -am
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g \
  -Dotel.semconv-stability.opt-in=database/dup \
  -cp "demo/target/sextant-demo.jar:demo/target/lib/*:bench/target/sextant-bench.jar" \
  io.sextant.bench.triage.DemoGrid "${1:-3}" "${2:-10}" "${3:-10}" "${@:4}"
