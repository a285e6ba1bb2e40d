package io.sextant.query.testkit;

import static io.sextant.query.testkit.RandomEvents.FEATURES;
import static io.sextant.query.testkit.RandomEvents.METRICS;
import static io.sextant.query.testkit.RandomEvents.NAMES;
import static io.sextant.query.testkit.RandomEvents.POOLS;
import static io.sextant.query.testkit.RandomEvents.RANGE;
import static io.sextant.query.testkit.RandomEvents.REGIONS;
import static io.sextant.query.testkit.RandomEvents.ROUTES;
import static io.sextant.query.testkit.RandomEvents.S;
import static io.sextant.query.testkit.RandomEvents.SERVICES;

import io.sextant.query.Aggregate;
import io.sextant.query.Calculation;
import io.sextant.query.Filter;
import io.sextant.query.Having;
import io.sextant.query.Op;
import io.sextant.query.Order;
import io.sextant.query.Question;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The differential suite's questions, drawn from a {@link Random}: filters nested up to two deep on
 * fields and values {@link RandomEvents} writes, breakdowns, calculations (percentiles of histogram
 * metrics and heatmaps among them), having, order, limit and series, over {@link
 * RandomEvents#RANGE}.
 */
final class RandomQuestions {
  /** The fields random questions use, with their kind: s(tring), n(umber), b(ool). */
  static final String[][] FIELDS = {
    {"service.name", "s"},
    {"name", "s"},
    {"kind", "s"},
    {"span.kind", "s"},
    {"status", "s"},
    {"body", "s"},
    {"cloud.region", "s"},
    {"host.name", "s"},
    {"user_id", "s"},
    {"http.route", "s"},
    {"feature", "s"},
    {"metric.name", "s"},
    {"pool.name", "s"},
    {"duration", "n"},
    {"value", "n"},
    {"severity_number", "n"},
    {"http.response.status_code", "n"},
    {"retry.count", "n"},
    {"cart.size", "n"},
    {"error", "b"},
    {"cached", "b"}
  };

  private RandomQuestions() {}

  static Object value(Random r, String field) {
    return switch (field) {
      case "service.name" -> SERVICES[r.nextInt(SERVICES.length)];
      case "name" -> NAMES[r.nextInt(NAMES.length)];
      case "kind" -> new String[] {"span", "log", "metric"}[r.nextInt(3)];
      case "metric.name" -> METRICS[r.nextInt(METRICS.length)];
      case "pool.name" -> POOLS[r.nextInt(POOLS.length)];
      case "value" -> r.nextBoolean() ? (Object) (long) r.nextInt(50) : r.nextDouble() * 50;
      case "span.kind" -> r.nextBoolean() ? "server" : "client";
      case "status" -> r.nextBoolean() ? "error" : "unset";
      case "body" -> r.nextBoolean() ? "payment declined" : "ok";
      case "cloud.region" -> REGIONS[r.nextInt(REGIONS.length)];
      case "host.name" -> SERVICES[r.nextInt(SERVICES.length)] + "-" + r.nextInt(3);
      case "user_id" -> "u-" + r.nextInt(40);
      case "http.route" -> ROUTES[r.nextInt(ROUTES.length)];
      case "feature" -> FEATURES[r.nextInt(FEATURES.length)];
      case "duration" -> (long) Math.exp(10 + r.nextDouble() * 10);
      case "severity_number" -> r.nextBoolean() ? 9L : 17L;
      case "http.response.status_code" -> r.nextBoolean() ? 200L : 500L;
      case "retry.count" -> (long) r.nextInt(4);
      case "cart.size" -> r.nextDouble() * 125;
      case "error", "cached" -> r.nextBoolean();
      default -> throw new IllegalArgumentException(field);
    };
  }

  static Filter filter(Random r, int depth) {
    if (depth < 2 && r.nextInt(3) == 0) {
      int n = 2 + r.nextInt(2);
      Filter[] parts = new Filter[n];
      for (int i = 0; i < n; i++) {
        parts[i] = filter(r, depth + 1);
      }
      return r.nextBoolean() ? new Filter.And(List.of(parts)) : new Filter.Or(List.of(parts));
    }
    String[] f = FIELDS[r.nextInt(FIELDS.length)];
    String name = f[0];
    List<Op> ops =
        new ArrayList<>(List.of(Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.EXISTS, Op.NOT_EXISTS));
    if (f[1].equals("n")) {
      ops.addAll(List.of(Op.LT, Op.LE, Op.GT, Op.GE));
    }
    if (f[1].equals("s")) {
      ops.addAll(List.of(Op.CONTAINS, Op.STARTS_WITH));
    }
    Op op = ops.get(r.nextInt(ops.size()));
    return switch (op.arity()) {
      case NONE -> Filter.Predicate.of(name, op);
      case MANY -> Filter.Predicate.of(name, op, value(r, name), value(r, name));
      case ONE -> {
        Object v = value(r, name);
        if (op == Op.CONTAINS || op == Op.STARTS_WITH) {
          String s = v.toString();
          v =
              op == Op.CONTAINS
                  ? s.substring(1, Math.max(1, s.length() - 1))
                  : s.substring(0, Math.min(2, s.length()));
        }
        yield Filter.Predicate.of(name, op, v);
      }
    };
  }

  static Question question(Random r) {
    Question.Builder q = Question.over(RANGE);
    if (r.nextInt(5) > 0) {
      q.where(filter(r, 0));
    }
    List<String> breakdowns = new ArrayList<>();
    int nb = r.nextInt(3);
    while (breakdowns.size() < nb) {
      String b = FIELDS[r.nextInt(FIELDS.length)][0];
      if (!breakdowns.contains(b)
          && !b.equals("duration")
          && !b.equals("cart.size")
          && !b.equals("value")) {
        breakdowns.add(b);
      }
    }
    q.by(breakdowns.toArray(String[]::new));
    List<Calculation> calcs = new ArrayList<>();
    int nc = 1 + r.nextInt(3);
    Aggregate[] numeric = {
      Aggregate.SUM,
      Aggregate.AVG,
      Aggregate.MIN,
      Aggregate.MAX,
      Aggregate.P50,
      Aggregate.P90,
      Aggregate.P99,
      Aggregate.P999
    };
    String[] numbers = {
      "duration", "retry.count", "cart.size", "http.response.status_code", "value"
    };
    while (calcs.size() < nc) {
      Calculation c =
          switch (r.nextInt(5)) {
            case 0 -> Calculation.count();
            case 1 ->
                r.nextBoolean()
                    ? Calculation.of(Aggregate.RATE, null)
                    : Calculation.of(
                        r.nextBoolean() ? Aggregate.P99 : Aggregate.P50, "metric.histogram");
            case 2 -> Calculation.of(Aggregate.COUNT_DISTINCT, FIELDS[r.nextInt(FIELDS.length)][0]);
            default ->
                Calculation.of(
                    numeric[r.nextInt(numeric.length)], numbers[r.nextInt(numbers.length)]);
          };
      if (!calcs.contains(c)) {
        calcs.add(c);
      }
    }
    q.calculate(calcs.toArray(Calculation[]::new));
    if (r.nextInt(4) == 0) {
      q.having(new Having(Calculation.count(), Op.GT, r.nextInt(20)));
      if (!calcs.contains(Calculation.count())) {
        q.calculate(Calculation.count());
      }
    }
    if (r.nextInt(3) == 0) {
      String key =
          !breakdowns.isEmpty() && r.nextBoolean()
              ? breakdowns.get(0)
              : calcs.get(r.nextInt(calcs.size())).label();
      q.orderBy(new Order(key, r.nextBoolean()));
    }
    q.limit(1 + r.nextInt(30));
    if (r.nextInt(3) == 0) {
      q.series(true).granularityNanos(r.nextBoolean() ? 0 : 37 * S);
    }
    if (r.nextInt(5) == 0) {
      q.calculate(Calculation.of(Aggregate.HEATMAP, r.nextBoolean() ? "duration" : "cart.size"));
      q.granularityNanos(60 * S);
    }
    return q.build();
  }
}
