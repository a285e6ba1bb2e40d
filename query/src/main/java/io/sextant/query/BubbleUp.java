package io.sextant.query;

import io.sextant.store.spi.FieldType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The statistics of compare-to-baseline over events already split into selection and baseline
 * (shared/research/triage-methods.md §5.6): per attribute and value the share on each side, the
 * difference, risk ratio, a two-proportion z-test (Fisher's exact test when a cell is under 5) and
 * Benjamini–Hochberg control across every attribute and value. Numeric attributes with more than
 * {@link #CATEGORICAL_MAX} distinct values are binned at the baseline's deciles.
 *
 * <p>Public for the engines in {@code query.sql} and {@code query.memory}; not an API for other
 * modules.
 */
public final class BubbleUp {
  static final int MAX_VALUES = 10;
  static final int CATEGORICAL_MAX = 20;
  static final double Q_MAX = 0.01;
  static final double ID_LIKE_UNIQUENESS = 0.9;
  static final double RISK_RATIO_CAP = 1e6;

  /** Fields never compared: unique per event, their shares say nothing. */
  static final Set<String> SKIPPED = Set.of("time", "trace_id", "span_id", "parent_span_id");

  private BubbleUp() {}

  /**
   * @param fields the compared fields
   * @param rows one array of field values per sampled event, aligned with {@code fields}
   * @param inSelection per row, whether it is in the selection
   */
  public static Comparison compute(
      List<Field> fields,
      List<Object[]> rows,
      boolean[] inSelection,
      long selectionCount,
      long baselineCount) {
    int nS = 0;
    for (int i = 0; i < rows.size(); i++) {
      nS += inSelection[i] ? 1 : 0;
    }
    int nB = rows.size() - nS;
    List<Pending> pending = new ArrayList<>();
    LogFactorials lf = new LogFactorials(rows.size());
    for (int f = 0; f < fields.size(); f++) {
      Field field = fields.get(f);
      if (SKIPPED.contains(field.name())) {
        continue;
      }
      String[] labels = labels(field, f, rows, inSelection);
      Map<String, long[]> counts = new TreeMap<>();
      Set<String> distinct = new HashSet<>();
      int present = 0;
      for (int i = 0; i < rows.size(); i++) {
        counts.computeIfAbsent(labels[i], x -> new long[2])[inSelection[i] ? 0 : 1]++;
        if (rows.get(i)[f] != null) {
          present++;
          distinct.add(labels[i]);
        }
      }
      if (present == 0) {
        continue;
      }
      boolean idLike =
          idName(field.name())
              || (present > CATEGORICAL_MAX && distinct.size() > ID_LIKE_UNIQUENESS * present);
      Pending p = new Pending(field.name(), idLike);
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        long s = e.getValue()[0];
        long b = e.getValue()[1];
        double pS = nS == 0 ? 0 : (double) s / nS;
        double pB = nB == 0 ? 0 : (double) b / nB;
        double pValue = pValue(s, nS, b, nB, lf);
        p.values.add(new double[] {s, b, pS, pB, pS - pB, riskRatio(s, nS, b, nB), pValue});
        p.labels.add(e.getKey());
      }
      pending.add(p);
    }
    double[] q = benjaminiHochberg(pending);
    int k = 0;
    List<Comparison.AttributeDiff> out = new ArrayList<>();
    for (Pending p : pending) {
      List<Comparison.ValueDiff> values = new ArrayList<>();
      double score = 0;
      double tvd = 0;
      for (int i = 0; i < p.values.size(); i++) {
        double[] v = p.values.get(i);
        double diff = v[4];
        score = Math.max(score, Math.abs(diff));
        tvd += Math.abs(diff) / 2;
        double qi = q[k++];
        boolean significant = qi <= Q_MAX && v[0] >= Math.max(5, 0.01 * nS);
        values.add(
            new Comparison.ValueDiff(
                p.labels.get(i),
                (long) v[0],
                v[2],
                (long) v[1],
                v[3],
                diff,
                v[5],
                qi,
                significant));
      }
      values.sort(
          Comparator.comparingDouble((Comparison.ValueDiff v) -> -v.diff())
              .thenComparing(Comparison.ValueDiff::value));
      out.add(
          new Comparison.AttributeDiff(
              p.key,
              score,
              tvd,
              p.idLike,
              List.copyOf(values.subList(0, Math.min(MAX_VALUES, values.size())))));
    }
    out.sort(
        Comparator.comparing(Comparison.AttributeDiff::demoted)
            .thenComparingDouble(a -> -a.score())
            .thenComparingDouble(a -> -a.tvd())
            .thenComparing(Comparison.AttributeDiff::key));
    return new Comparison(selectionCount, baselineCount, nS, nB, out);
  }

  private static final class Pending {
    final String key;
    final boolean idLike;
    final List<double[]> values = new ArrayList<>();
    final List<String> labels = new ArrayList<>();

    Pending(String key, boolean idLike) {
      this.key = key;
      this.idLike = idLike;
    }
  }

  static final String ABSENT = "(absent)";

  /** Keys named like identifiers ({@code user_id}, {@code session.id}) are demoted. */
  static boolean idName(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.endsWith("_id") || k.endsWith(".id") || k.endsWith("-id") || k.equals("id");
  }

  /** Each row's value of field {@code f} as a label: its text, its decile bin, or "(absent)". */
  private static String[] labels(Field field, int f, List<Object[]> rows, boolean[] inSelection) {
    String[] out = new String[rows.size()];
    double[] edges = null;
    if (field.type() == FieldType.NUMBER || field.type() == FieldType.TIMESTAMP) {
      Set<Object> distinct = new HashSet<>();
      for (Object[] r : rows) {
        if (r[f] != null && distinct.size() <= CATEGORICAL_MAX) {
          distinct.add(r[f]);
        }
      }
      if (distinct.size() > CATEGORICAL_MAX) {
        edges = deciles(f, rows, inSelection);
      }
    }
    for (int i = 0; i < rows.size(); i++) {
      Object v = rows.get(i)[f];
      if (v == null) {
        out[i] = ABSENT;
      } else if (edges != null) {
        out[i] = bin(((Number) v).doubleValue(), edges);
      } else {
        out[i] = String.valueOf(EventFields.display(v));
      }
    }
    return out;
  }

  /**
   * The distinct decile edges of the baseline's values (the selection's if the baseline has none).
   */
  private static double[] deciles(int f, List<Object[]> rows, boolean[] inSelection) {
    double[] values = collect(f, rows, inSelection, false);
    if (values.length == 0) {
      values = collect(f, rows, inSelection, true);
    }
    Arrays.sort(values);
    double[] edges = new double[9];
    for (int d = 1; d <= 9; d++) {
      edges[d - 1] =
          values[(int) Math.min(values.length - 1, Math.floor(d * values.length / 10.0))];
    }
    return Arrays.stream(edges).distinct().toArray();
  }

  private static double[] collect(int f, List<Object[]> rows, boolean[] inSelection, boolean sel) {
    double[] out = new double[rows.size()];
    int n = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (inSelection[i] == sel && rows.get(i)[f] != null) {
        out[n++] = ((Number) rows.get(i)[f]).doubleValue();
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static String bin(double v, double[] edges) {
    if (v < edges[0]) {
      return "< " + num(edges[0]);
    }
    for (int i = 1; i < edges.length; i++) {
      if (v < edges[i]) {
        return "[" + num(edges[i - 1]) + ", " + num(edges[i]) + ")";
      }
    }
    return ">= " + num(edges[edges.length - 1]);
  }

  private static String num(double d) {
    return String.valueOf(EventFields.display(d));
  }

  static double riskRatio(long s, long nS, long b, long nB) {
    double with = s + b == 0 ? 0 : (double) s / (s + b);
    long restS = nS - s;
    long restB = nB - b;
    double without = restS + restB == 0 ? 0 : (double) restS / (restS + restB);
    if (without == 0) {
      return with == 0 ? 0 : RISK_RATIO_CAP;
    }
    return Math.min(RISK_RATIO_CAP, with / without);
  }

  /** Two-sided p-value that the share of a value is the same on both sides. */
  static double pValue(long s, long nS, long b, long nB, LogFactorials lf) {
    if (nS == 0 || nB == 0) {
      return 1;
    }
    if (s < 5 || b < 5 || nS - s < 5 || nB - b < 5) {
      return fisher(s, nS - s, b, nB - b, lf);
    }
    double pHat = (double) (s + b) / (nS + nB);
    double se = Math.sqrt(pHat * (1 - pHat) * (1.0 / nS + 1.0 / nB));
    if (se == 0) {
      return 1;
    }
    double z = ((double) s / nS - (double) b / nB) / se;
    return erfc(Math.abs(z) / Math.sqrt(2));
  }

  /** Fisher's exact test, two-sided, for the table [[a, b], [c, d]]. */
  static double fisher(long a, long b, long c, long d, LogFactorials lf) {
    long r1 = a + b;
    long r2 = c + d;
    long c1 = a + c;
    long n = r1 + r2;
    double observed = hypergeometric(a, r1, r2, c1, n, lf);
    double p = 0;
    for (long x = Math.max(0, c1 - r2); x <= Math.min(r1, c1); x++) {
      double px = hypergeometric(x, r1, r2, c1, n, lf);
      if (px <= observed * (1 + 1e-7)) {
        p += px;
      }
    }
    return Math.min(1, p);
  }

  private static double hypergeometric(
      long x, long r1, long r2, long c1, long n, LogFactorials lf) {
    return Math.exp(
        lf.of(r1)
            + lf.of(r2)
            + lf.of(c1)
            + lf.of(n - c1)
            - lf.of(n)
            - lf.of(x)
            - lf.of(r1 - x)
            - lf.of(c1 - x)
            - lf.of(r2 - c1 + x));
  }

  /** Complementary error function (Numerical Recipes erfcc; relative error under 1.2e-7). */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r =
        t
            * Math.exp(
                -z * z
                    - 1.26551223
                    + t
                        * (1.00002368
                            + t
                                * (0.37409196
                                    + t
                                        * (0.09678418
                                            + t
                                                * (-0.18628806
                                                    + t
                                                        * (0.27886807
                                                            + t
                                                                * (-1.13520398
                                                                    + t
                                                                        * (1.48851587
                                                                            + t
                                                                                * (-0.82215223
                                                                                    + t
                                                                                        * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }

  /** q-values in the order of every pending value, attribute by attribute. */
  private static double[] benjaminiHochberg(List<Pending> pending) {
    List<Double> ps = new ArrayList<>();
    for (Pending p : pending) {
      for (double[] v : p.values) {
        ps.add(v[6]);
      }
    }
    int m = ps.size();
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(ps::get));
    double[] q = new double[m];
    double min = 1;
    for (int rank = m; rank >= 1; rank--) {
      int i = order[rank - 1];
      min = Math.min(min, ps.get(i) * m / rank);
      q[i] = min;
    }
    return q;
  }

  /** log(n!) for n up to a bound, computed once. */
  static final class LogFactorials {
    private final double[] values;

    LogFactorials(int max) {
      values = new double[max + 2];
      for (int i = 2; i < values.length; i++) {
        values[i] = values[i - 1] + Math.log(i);
      }
    }

    double of(long n) {
      return values[(int) n];
    }
  }
}
