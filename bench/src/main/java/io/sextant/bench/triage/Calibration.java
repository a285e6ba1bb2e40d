package io.sextant.bench.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How well the confidence triage states matches how often it is right: a reliability table (bins of
 * the stated confidence of the answer: the first suspect's probability, or for "no fault" the
 * probability of no fault), the Brier score (mean squared gap between stated and right, 0 best) and
 * the share right among answers stated at 90 % or more.
 */
public final class Calibration {
  static final double[] EDGES = {0, 0.5, 0.7, 0.9, 0.97, 1.0000001};

  /** One answer: the confidence it stated, and whether it was right. */
  public record Point(double stated, boolean right) {}

  private final List<Point> points = new ArrayList<>();

  public void add(double stated, boolean right) {
    if (!Double.isNaN(stated)) {
      points.add(new Point(Math.max(0, Math.min(1, stated)), right));
    }
  }

  public double brier() {
    return points.stream()
        .mapToDouble(p -> Math.pow(p.stated() - (p.right() ? 1 : 0), 2))
        .average()
        .orElse(Double.NaN);
  }

  /** Among answers stated at {@code from} or more: how many, and the share right. */
  public double[] rightFrom(double from) {
    long n = points.stream().filter(p -> p.stated() >= from).count();
    long right = points.stream().filter(p -> p.stated() >= from && p.right()).count();
    return new double[] {n, n == 0 ? Double.NaN : (double) right / n};
  }

  /** The markdown table and the two summary figures. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append("| stated confidence | answers | mean stated | share right |\n|---|---|---|---|\n");
    for (int i = 0; i + 1 < EDGES.length; i++) {
      double lo = EDGES[i];
      double hi = EDGES[i + 1];
      List<Point> in = points.stream().filter(p -> p.stated() >= lo && p.stated() < hi).toList();
      String label =
          hi > 1
              ? String.format(Locale.ROOT, "≥ %.2f", lo)
              : String.format(Locale.ROOT, "%.2f–%.2f", lo, hi);
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s |\n",
              label,
              in.size(),
              in.isEmpty()
                  ? "—"
                  : String.format(
                      Locale.ROOT,
                      "%.2f",
                      in.stream().mapToDouble(Point::stated).average().orElse(0)),
              in.isEmpty()
                  ? "—"
                  : String.format(
                      Locale.ROOT,
                      "%.2f",
                      in.stream().filter(Point::right).count() / (double) in.size())));
    }
    double[] high = rightFrom(0.9);
    b.append(
        String.format(
            Locale.ROOT,
            "\nBrier score %.3f over %d answers; answers stated at ≥ 90 %%: %d, right %s.\n",
            brier(),
            points.size(),
            (int) high[0],
            Double.isNaN(high[1]) ? "—" : String.format(Locale.ROOT, "%.2f", high[1])));
    return b.toString();
  }
}
