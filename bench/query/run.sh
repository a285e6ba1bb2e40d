#!/usr/bin/env bash
# The query benchmark of issue 3: 10 million realistic events in a DuckDB file (loaded once through
# the store's writer, reused on later runs), each question timed through the engine and as
# hand-written DuckDB SQL on the same file. Usage: bench/query/run.sh [--events N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME="$(bin/java-home)"
export JAVA_HOME
./mvnw -B -q -Dspotless.check.skip=true package -DskipTests -pl bench -am
mkdir -p bench/work
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx6g \
  -cp "bench/target/sextant-bench.jar:bench/target/lib/*" \
  io.sextant.bench.query.QueryBench --dir bench/work/query "$@"
