package io.sextant.bench.triage;

import io.sextant.bench.triage.Fault.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The simulator grid of issue 6: both systems, every fault kind, controls, baselines and ablations;
 * prints the tables as markdown. Usage: {@code TriageBench [--seed N] [--reps N] [--controls N]
 * [--pairs N] [--system boutique|train-ticket] [--misses]}.
 */
public final class TriageBench {
  /** Fault targets and traffic window of one system. */
  record Setup(
      Topology sys, List<String> services, List<String> backends, int productionRequests) {}

  static Setup boutique() {
    return new Setup(
        Systems.boutique(),
        List.of(
            "cartservice",
            "productcatalogservice",
            "currencyservice",
            "checkoutservice",
            "paymentservice",
            "shippingservice",
            "accountservice",
            "recommendationservice",
            "adservice",
            "emailservice"),
        List.of("redis-cart", "catalog-db", "orders-db", "accounts-db", "orders"),
        200);
  }

  static Setup trainTicket() {
    return new Setup(
        Systems.trainTicket(),
        List.of(
            "ts-auth",
            "ts-user",
            "ts-travel",
            "ts-ticketinfo",
            "ts-station",
            "ts-route",
            "ts-price",
            "ts-seat",
            "ts-order",
            "ts-contacts",
            "ts-inside-payment",
            "ts-security",
            "ts-food",
            "ts-notification"),
        List.of(
            "user-db",
            "station-db",
            "travel-db",
            "order-db",
            "payment-db",
            "ticket-cache",
            "notify"),
        300);
  }

  /** Learns the system, builds its grid and runs every case. */
  static List<Pipeline.Result> run(Setup s, List<Kind> kinds, Grid.Spec spec, long seed) {
    Learned l = Learned.learn(s.sys(), seed);
    List<Case> cases = Grid.of(s.sys(), s.services(), s.backends(), kinds, spec, seed + 1);
    Pipeline p = new Pipeline(l, s.productionRequests());
    List<Pipeline.Result> out = new ArrayList<>(cases.size());
    for (Case c : cases) {
      out.add(p.run(c));
    }
    return out;
  }

  public static void main(String[] args) {
    long seed = 42;
    Grid.Spec spec = Grid.Spec.FULL;
    String only = null;
    boolean misses = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--reps" ->
            spec = new Grid.Spec(Integer.parseInt(args[++i]), spec.controls(), spec.pairs());
        case "--controls" ->
            spec = new Grid.Spec(spec.reps(), Integer.parseInt(args[++i]), spec.pairs());
        case "--pairs" ->
            spec = new Grid.Spec(spec.reps(), spec.controls(), Integer.parseInt(args[++i]));
        case "--system" -> only = args[++i];
        case "--misses" -> misses = true;
        default -> {
          System.err.println(
              "unknown option " + args[i] + "; see the class comment of TriageBench");
          System.exit(2);
        }
      }
    }
    List<Kind> kinds = List.copyOf(EnumSet.allOf(Kind.class));
    System.out.printf(
        "## Triage on the simulator (seed %d, %d repetitions per target and kind)%n%n",
        seed, spec.reps());
    for (Setup s : List.of(boutique(), trainTicket())) {
      if (only != null && !only.equals(s.sys().name)) {
        continue;
      }
      long started = System.nanoTime();
      Learned l = Learned.learn(s.sys(), seed);
      List<Case> cases = Grid.of(s.sys(), s.services(), s.backends(), kinds, spec, seed + 1);
      Pipeline p = new Pipeline(l, s.productionRequests());
      List<Pipeline.Result> rs = new ArrayList<>(cases.size());
      for (Case c : cases) {
        rs.add(p.run(c));
      }
      System.out.println(Report.tables(l, rs, (System.nanoTime() - started) / 1e9));
      if (misses) {
        System.out.println("Misses of sextant:\n" + Report.misses(rs, Pipeline.OURS));
      }
    }
  }
}
