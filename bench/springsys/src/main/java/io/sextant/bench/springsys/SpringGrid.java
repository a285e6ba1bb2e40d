package io.sextant.bench.springsys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.bench.springsys.FaultInjector.Kind;
import io.sextant.triage.Triage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The triage grid on the springsys shop: starts Sextant in-process and the shop pointed at it, lets
 * the probes learn their footprints, then for each case injects a fault, waits 2 s, asks {@code
 * POST /api/v1/triage}, records the answer, clears the fault and waits until every probe passes and
 * every health is UP again. Prints markdown tables (per kind, overall, controls, time to localize,
 * calibration) and writes every case as one JSON line.
 *
 * <pre>
 * SpringGrid [--reps N] [--kinds a,b] [--controls N] [--pairs] [--out results.jsonl]
 * SpringGrid --report results.jsonl      # the tables again from a results file
 * </pre>
 */
public final class SpringGrid {
  static final Map<Kind, List<String>> TARGETS = new LinkedHashMap<>();

  static {
    TARGETS.put(Kind.SERVICE_KILL, List.of("customers", "inventory", "payments", "catalog"));
    TARGETS.put(Kind.SERVICE_FREEZE, List.of("orders", "customers", "reviews", "payments"));
    TARGETS.put(Kind.SERVICE_CPU, List.of("catalog", "orders", "customers", "reviews"));
    TARGETS.put(Kind.SERVICE_EXCEPTIONS, List.of("inventory", "payments", "reviews", "customers"));
    TARGETS.put(Kind.DB_KILL, List.of("customers-db", "catalog-db", "inventory-db", "payments-db"));
    TARGETS.put(Kind.DB_FREEZE, List.of("orders-db", "catalog-db", "customers-db", "payments-db"));
    TARGETS.put(
        Kind.DB_LATENCY, List.of("inventory-db", "catalog-db", "customers-db", "orders-db"));
    TARGETS.put(
        Kind.DB_RESETS, List.of("payments-db", "customers-db", "catalog-db", "inventory-db"));
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A case: a fault (null kind: a no-fault control, maybe under the neighbour's CPU load). */
  record Case(Kind kind, String target, boolean neighbour) {
    String label() {
      return kind == null ? (neighbour ? "control+neighbour" : "control") : kind.id();
    }
  }

  public static void main(String[] args) throws Exception {
    int reps = 3;
    int controls = 10;
    boolean pairs = false;
    Set<Kind> kinds = new LinkedHashSet<>(TARGETS.keySet());
    Path out = Path.of("springsys-grid.jsonl");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--controls" -> controls = Integer.parseInt(args[++i]);
        case "--pairs" -> pairs = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--kinds" -> {
          kinds.clear();
          for (String k : args[++i].split(",")) {
            kinds.add(Kind.of(k.trim()));
          }
        }
        case "--report" -> {
          List<JsonNode> rows = new ArrayList<>();
          for (String line : Files.readAllLines(Path.of(args[++i]))) {
            if (!line.isBlank()) {
              rows.add(JSON.readTree(line));
            }
          }
          System.out.println(Report.markdown(rows));
          return;
        }
        default -> {
          System.err.println(
              "usage: SpringGrid [--reps N] [--kinds a,b] [--controls N] [--pairs] [--out file]"
                  + " | --report file\nkinds: "
                  + TARGETS.keySet().stream().map(Kind::id).toList());
          System.exit(2);
        }
      }
    }
    List<Case> cases = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      for (Kind k : kinds) {
        for (String t : TARGETS.get(k)) {
          cases.add(new Case(k, t, false));
        }
      }
    }
    for (int i = 0; i < controls; i++) {
      // Spread through the run; every other one under a neighbour's CPU load.
      int at = (int) ((long) i * (cases.size() + i) / Math.max(1, controls));
      cases.add(Math.min(at, cases.size()), new Case(null, null, i % 2 == 1));
    }
    Files.deleteIfExists(out);
    Path work = Files.createTempDirectory("springsys-grid");
    log("work dir %s (every process's log stays in system/logs)", work);
    long t0 = System.nanoTime();
    try (InProcessSextant sextant = InProcessSextant.start(work.resolve("sextant"));
        SpringSystem system =
            SpringSystem.start(work.resolve("system"), sextant.otlpHttpEndpoint())) {
      log(
          "system ready in %d ms, RSS %d MiB; gateway %s; sextant %s",
          system.readyMillis(), system.rssKib() / 1024, system.gatewayUrl(), sextant.apiUrl());
      sextant.watch(system);
      Triage triage = sextant.server().triage();
      boolean ready = triage.awaitReady(3, Duration.ofMinutes(4));
      log("footprints %s", ready ? "learned" : "NOT all learned within 4 minutes");
      Map<String, String> ids = componentIds(sextant.apiUrl(), system);
      log("component ids: %s", ids);
      List<JsonNode> rows = new ArrayList<>();
      int n = 0;
      for (Case c : cases) {
        n++;
        ObjectNode row = runCase(c, system, sextant, triage, ids, pairs);
        row.put("n", n);
        rows.add(row);
        Files.writeString(
            out,
            JSON.writeValueAsString(row) + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        log(
            "%d/%d %s %s → %s %s (%.3f) %s in %d ms",
            n,
            cases.size(),
            c.label(),
            c.target() == null ? "" : c.target(),
            row.path("verdict").asText(),
            row.path("first").asText(),
            row.path("confidence").asDouble(),
            row.path("right1").asBoolean() ? "RIGHT" : "wrong",
            row.path("ttl_ms").asLong());
      }
      log(
          "grid done in %d s; RSS now %d MiB",
          (System.nanoTime() - t0) / 1_000_000_000L, system.rssKib() / 1024);
      System.out.println();
      System.out.println(Report.markdown(rows));
      System.out.println("Every case: " + out.toAbsolutePath());
    }
  }

  /** Injects, waits 2 s, triages (twice with --pairs), clears, and waits for the shop to heal. */
  static ObjectNode runCase(
      Case c,
      SpringSystem system,
      InProcessSextant sextant,
      Triage triage,
      Map<String, String> ids,
      boolean pairs)
      throws Exception {
    ObjectNode row = JSON.createObjectNode();
    row.put("kind", c.label());
    row.put("target", c.target());
    String expected = c.kind() == null ? null : ids.getOrDefault(c.target(), c.target());
    row.put("expected", expected);
    row.put("neighbour", c.neighbour());
    row.put("time", Instant.now().toString());
    FaultInjector faults = system.faults();
    long injected = System.nanoTime();
    try {
      if (c.neighbour()) {
        faults.inject(Kind.NEIGHBOUR_CPU, null);
      }
      if (c.kind() != null) {
        faults.inject(c.kind(), c.target());
      }
      Thread.sleep(2000);
      JsonNode answer = triage(sextant.apiUrl());
      row.put("ttl_ms", (System.nanoTime() - injected) / 1_000_000);
      score(row, answer, expected);
      row.set("answer", answer);
      row.set("quick_failures", quickFailures(sextant.apiUrl(), answer));
      if (pairs) {
        JsonNode again = triage(sextant.apiUrl());
        row.set("pair_quick_failures", quickFailures(sextant.apiUrl(), again));
        ObjectNode second = JSON.createObjectNode();
        score(second, again, expected);
        row.put("pair_first", second.path("first").asText());
        row.put("pair_agrees", second.path("first").asText().equals(row.path("first").asText()));
        row.set("pair_answer", again);
      }
    } catch (IOException e) {
      row.put("error", e.toString());
      row.put("ttl_ms", (System.nanoTime() - injected) / 1_000_000);
      row.put("verdict", "error");
    } finally {
      faults.clear();
      heal(system, triage);
    }
    return row;
  }

  /**
   * For reading a case afterwards: the stored spans of every run that took under 100 ms in a probe
   * that failed (a breaker's refusal, or a failure answered at once), as service, span kind, name,
   * status and its message, milliseconds, and exception types.
   */
  static ArrayNode quickFailures(String api, JsonNode answer) {
    ArrayNode out = JSON.createArrayNode();
    for (JsonNode p : answer.path("probes")) {
      if (p.path("failures").asInt() == 0) {
        continue;
      }
      for (int i = 0; i < p.path("trace_ids").size(); i++) {
        if (p.path("latency_ms").path(i).asDouble() >= 100) {
          continue;
        }
        ObjectNode run = out.addObject();
        run.put("probe", p.path("name").asText());
        run.put("extra", p.path("extra").asBoolean());
        run.put("ms", p.path("latency_ms").path(i).asDouble());
        String id = p.path("trace_ids").path(i).asText();
        run.put("trace_id", id);
        ArrayNode spans = run.putArray("spans");
        try {
          HttpResponse<String> r =
              HTTP.send(
                  HttpRequest.newBuilder(URI.create(api + "/api/v1/traces/" + id))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          for (JsonNode e : JSON.readTree(r.body()).path("events")) {
            StringBuilder sb = new StringBuilder();
            sb.append(e.path("service.name").asText())
                .append(' ')
                .append(e.path("span.kind").asText())
                .append(' ')
                .append(e.path("name").asText())
                .append(' ')
                .append(e.path("status").asText())
                .append(' ')
                .append(e.path("status_message").asText(""))
                .append(' ')
                .append(e.path("duration_nanos").asLong() / 1_000_000.0)
                .append(" ms ")
                .append(e.path("attributes").path("http.response.status_code").asText(""));
            for (JsonNode ev : e.path("events")) {
              sb.append(" [")
                  .append(ev.path("name").asText())
                  .append(' ')
                  .append(ev.path("attributes").path("exception.type").asText(""))
                  .append(' ')
                  .append(ev.path("attributes").path("exception.message").asText(""))
                  .append(']');
            }
            spans.add(sb.toString());
          }
        } catch (IOException e) {
          spans.add("unread: " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          spans.add("unread: interrupted");
        }
      }
    }
    return out;
  }

  static void heal(SpringSystem system, Triage triage) throws InterruptedException {
    try {
      system.awaitHealthy(Duration.ofMinutes(4));
    } catch (IOException e) {
      log("not healthy after clearing: %s", e.getMessage());
    }
    if (!triage.awaitAllPassing(Duration.ofMinutes(2))) {
      log("not every probe passes 2 minutes after clearing");
    }
    Thread.sleep(1000);
  }

  static JsonNode triage(String api) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/triage"))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("triage answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /**
   * The answer's claim and whether it is right: a "fault" verdict claims its first suspect with
   * that suspect's probability; a "no-fault" verdict claims no fault with P(no fault).
   */
  static void score(ObjectNode row, JsonNode answer, String expected) {
    String verdict = answer.path("verdict").asText();
    row.put("verdict", verdict);
    JsonNode suspects = answer.path("suspects");
    List<String> top3 = new ArrayList<>();
    for (int i = 0; i < Math.min(3, suspects.size()); i++) {
      List<String> members = new ArrayList<>();
      suspects.get(i).path("members").forEach(m -> members.add(m.asText()));
      top3.add(String.join(" | ", members));
    }
    row.set("top3", JSON.valueToTree(top3));
    boolean fault = "fault".equals(verdict);
    if (fault && !suspects.isEmpty()) {
      row.put("first", top3.get(0));
      row.put("lead", members(suspects.get(0)).get(0));
      row.put("confidence", suspects.get(0).path("probability").asDouble());
    } else {
      row.put("first", "no fault");
      row.put("confidence", answer.path("no_fault_probability").asDouble());
    }
    boolean right1;
    boolean right3;
    if (expected == null) {
      right1 = !fault;
      right3 = right1;
    } else {
      // Named first: the lead of the first suspect (a group's other members are look-alikes).
      right1 = fault && !suspects.isEmpty() && members(suspects.get(0)).get(0).equals(expected);
      row.put(
          "group1", fault && !suspects.isEmpty() && members(suspects.get(0)).contains(expected));
      right3 = false;
      for (int i = 0; fault && i < Math.min(3, suspects.size()); i++) {
        right3 |= members(suspects.get(i)).contains(expected);
      }
    }
    row.put("right1", right1);
    row.put("right3", right3);
  }

  private static List<String> members(JsonNode suspect) {
    List<String> out = new ArrayList<>();
    suspect.path("members").forEach(m -> out.add(m.asText()));
    return out;
  }

  /**
   * Sextant's component id of every fault target: a service's is its name; a database's is the
   * map's node whose address is that database's proxy port (the address its clients use).
   */
  static Map<String, String> componentIds(String api, SpringSystem system)
      throws IOException, InterruptedException {
    Map<String, String> ids = new LinkedHashMap<>();
    SpringSystem.SERVICES.forEach(s -> ids.put(s.name(), s.name()));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(api + "/api/v1/map?last=15m"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode map = JSON.readTree(r.body());
      system
          .databasePorts()
          .forEach(
              (db, port) -> {
                for (JsonNode node : map.path("nodes")) {
                  String id = node.path("id").asText();
                  if ("database".equals(node.path("kind").asText())
                      && id.endsWith(":" + port + ")")) {
                    ids.put(db, id);
                  }
                }
              });
      if (ids.size() == SpringSystem.SERVICES.size() + SpringSystem.DATABASES.size()
          || System.nanoTime() > deadline) {
        return ids;
      }
      Thread.sleep(2000);
    }
  }

  static void log(String format, Object... args) {
    System.out.printf(
        Locale.ROOT,
        "%s %s%n",
        Instant.now().toString().substring(11, 19),
        String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  /** The markdown tables from the case rows (also for {@code --report}). */
  static final class Report {
    private Report() {}

    static String markdown(List<JsonNode> rows) {
      StringBuilder sb = new StringBuilder();
      List<JsonNode> faults = rows.stream().filter(r -> r.path("expected").isTextual()).toList();
      List<JsonNode> controls = rows.stream().filter(r -> !r.path("expected").isTextual()).toList();
      sb.append("| fault kind | cases | AC@1 | AC@3 | mean confidence | answers |\n");
      sb.append("|---|---:|---:|---:|---:|---|\n");
      Map<String, List<JsonNode>> byKind = new LinkedHashMap<>();
      for (JsonNode r : faults) {
        byKind.computeIfAbsent(r.path("kind").asText(), k -> new ArrayList<>()).add(r);
      }
      byKind.forEach(
          (kind, rs) ->
              sb.append(
                  String.format(
                      Locale.ROOT,
                      "| %s | %d | %.2f | %.2f | %.3f | %s |%n",
                      kind,
                      rs.size(),
                      share(rs, "right1"),
                      share(rs, "right3"),
                      rs.stream()
                          .mapToDouble(r -> r.path("confidence").asDouble())
                          .average()
                          .orElse(0),
                      answers(rs))));
      List<JsonNode> db =
          faults.stream().filter(r -> r.path("kind").asText().startsWith("db-")).toList();
      List<JsonNode> svc =
          faults.stream().filter(r -> r.path("kind").asText().startsWith("service-")).toList();
      sb.append(
          String.format(
              Locale.ROOT,
              "%n**Overall** (%d fault cases): AC@1 %.2f, AC@3 %.2f; services AC@1 %.2f (%d), databases AC@1 %.2f (%d)%n",
              faults.size(),
              share(faults, "right1"),
              share(faults, "right3"),
              share(svc, "right1"),
              svc.size(),
              share(db, "right1"),
              db.size()));
      long falseLoc =
          controls.stream().filter(r -> "fault".equals(r.path("verdict").asText())).count();
      long neighbourCtl = controls.stream().filter(r -> r.path("neighbour").asBoolean()).count();
      long neighbourFalse =
          controls.stream()
              .filter(
                  r ->
                      r.path("neighbour").asBoolean() && "fault".equals(r.path("verdict").asText()))
              .count();
      sb.append(
          String.format(
              Locale.ROOT,
              "%n**Controls**: false localization %d of %d (%.2f); under neighbour CPU load %d of %d; %s%n",
              falseLoc,
              controls.size(),
              controls.isEmpty() ? 0.0 : (double) falseLoc / controls.size(),
              neighbourFalse,
              neighbourCtl,
              answers(controls)));
      double[] ttl =
          faults.stream().mapToDouble(r -> r.path("ttl_ms").asDouble()).sorted().toArray();
      double[] asked =
          faults.stream()
              .mapToDouble(r -> r.path("answer").path("millis").asDouble())
              .sorted()
              .toArray();
      sb.append(
          String.format(
              Locale.ROOT,
              "%n**Time to localize** (inject → answer, 2 s wait included): p50 %.1f s, p95 %.1f s;"
                  + " trigger → answer (the triage request alone): p50 %.1f s, p95 %.1f s%n",
              pct(ttl, 0.5) / 1000,
              pct(ttl, 0.95) / 1000,
              pct(asked, 0.5) / 1000,
              pct(asked, 0.95) / 1000));
      List<JsonNode> paired = rows.stream().filter(r -> r.has("pair_agrees")).toList();
      if (!paired.isEmpty()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%n**Pair stability**: same first suspect in %d of %d pairs (%.2f)%n",
                paired.stream().filter(r -> r.path("pair_agrees").asBoolean()).count(),
                paired.size(),
                share(paired, "pair_agrees")));
      }
      sb.append(calibration(rows));
      return sb.toString();
    }

    /** Reliability of the stated confidence of each answer's claim, over every case. */
    static String calibration(List<JsonNode> rows) {
      double[] edges = {0, 0.5, 0.7, 0.9, 0.97, 1.0000001};
      String[] names = {"< 0.5", "0.5–0.7", "0.7–0.9", "0.9–0.97", "≥ 0.97"};
      StringBuilder sb = new StringBuilder();
      sb.append(
          "\n**Calibration** (the claim of each answer: its first suspect, or \"no fault\"; every"
              + " case, controls included)\n\n");
      sb.append(
          "| stated confidence | answers | mean stated | share right |\n|---|---:|---:|---:|\n");
      double brier = 0;
      int n = 0;
      for (int b = 0; b < names.length; b++) {
        int count = 0;
        double stated = 0;
        int right = 0;
        for (JsonNode r : rows) {
          if (!r.has("confidence")) {
            continue;
          }
          double p = r.path("confidence").asDouble();
          if (p >= edges[b] && p < edges[b + 1]) {
            count++;
            stated += p;
            right += r.path("right1").asBoolean() ? 1 : 0;
          }
        }
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %s | %s |%n",
                names[b],
                count,
                count == 0 ? "–" : String.format(Locale.ROOT, "%.3f", stated / count),
                count == 0 ? "–" : String.format(Locale.ROOT, "%.2f", (double) right / count)));
      }
      int high = 0;
      int highRight = 0;
      for (JsonNode r : rows) {
        if (!r.has("confidence")) {
          continue;
        }
        double p = r.path("confidence").asDouble();
        double y = r.path("right1").asBoolean() ? 1 : 0;
        brier += (p - y) * (p - y);
        n++;
        if (p >= 0.9) {
          high++;
          highRight += (int) y;
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%nBrier score %.3f over %d answers; AC@1 among answers stated at ≥ 0.9: %s (%d of %d)%n",
              n == 0 ? 0 : brier / n,
              n,
              high == 0 ? "–" : String.format(Locale.ROOT, "%.2f", (double) highRight / high),
              highRight,
              high));
      return sb.toString();
    }

    private static String answers(List<JsonNode> rs) {
      Map<String, Integer> count = new LinkedHashMap<>();
      for (JsonNode r : rs) {
        // A group's members joined with " + " (a "|" would split the markdown table's cell).
        String a = r.path("first").asText(r.path("verdict").asText()).replace(" | ", " + ");
        String t = r.path("target").asText("");
        String shown = a.replaceAll(" \\(postgresql @ [^)]*\\)", " (pg)");
        count.merge((t.isEmpty() ? "" : t + "→") + shown, 1, Integer::sum);
      }
      List<String> parts = new ArrayList<>();
      count.forEach((k, v) -> parts.add(v > 1 ? k + " ×" + v : k));
      return String.join(", ", parts);
    }

    private static double share(List<JsonNode> rs, String field) {
      return rs.isEmpty()
          ? 0
          : (double) rs.stream().filter(r -> r.path(field).asBoolean()).count() / rs.size();
    }

    private static double pct(double[] sorted, double q) {
      if (sorted.length == 0) {
        return 0;
      }
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
  }
}
