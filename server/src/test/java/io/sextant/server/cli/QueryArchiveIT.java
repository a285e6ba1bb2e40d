package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.model.Event;
import io.sextant.server.Main;
import io.sextant.store.duckdb.ParquetArchiveWriter;
import io.sextant.store.testkit.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sextant query --archive DIR}: the question answered over Parquet files, no server. */
class QueryArchiveIT {
  static final String DAY = " | since 2025-01-01T00:00:00Z until 2025-01-02T00:00:00Z";

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final List<Event> events = new ArrayList<>();

  @BeforeEach
  void archive() throws Exception {
    Random rnd = new Random(7);
    for (int i = 0; i < 40; i++) {
      for (Event e : Fixtures.trace(rnd, Fixtures.T0 + i * 600_000_000_000L, 3)) {
        events.add(e.withTenant(i % 4 == 0 ? "acme" : "default"));
      }
    }
    try (ParquetArchiveWriter w = ParquetArchiveWriter.open(dir)) {
      w.write("0", 0, events);
      w.committed("0");
    }
  }

  int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void query_overTheArchive_printsTheTenantsCountsAsATable() {
    Map<String, Integer> expected = new TreeMap<>();
    for (Event e : events) {
      if (e.tenant().equals("acme")) {
        expected.merge(e.resource().serviceName(), 1, Integer::sum);
      }
    }
    int code =
        run(
            "query",
            "--archive",
            dir.toString(),
            "--tenant",
            "acme",
            "count() by service.name | order by service.name" + DAY);
    assertThat(code).as(err.toString()).isZero();
    String table = out.toString();
    assertThat(table).contains("service.name").contains("count()");
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      assertThat(table).containsPattern("(?m)^" + e.getKey() + " +" + e.getValue() + "$");
    }
    assertThat(table).contains(expected.size() + " rows · duckdb");
  }

  @Test
  void query_overTheArchive_withJson_printsTheApisAnswer() {
    long defaults = events.stream().filter(e -> e.tenant().equals("default")).count();
    int code = run("query", "--archive", dir.toString(), "--json", "count()" + DAY);
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("\"rows\":[[" + defaults + "]]");
  }

  @Test
  void query_overTheArchive_refusesAnUnknownColumn_namingTheNearestKnown() {
    int code = run("query", "--archive", dir.toString(), "where usr_id = 3 | count()" + DAY);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("unknown column 'usr_id'").contains("user_id");
  }

  @Test
  void query_overTheArchive_pointsAtASyntaxError() {
    int code = run("query", "--archive", dir.toString(), "where user_id = ");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("^");
  }

  @Test
  void query_withAMissingArchive_saysSo() {
    int code = run("query", "--archive", dir.resolve("nope").toString(), "count()");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("is not a directory");
  }
}
