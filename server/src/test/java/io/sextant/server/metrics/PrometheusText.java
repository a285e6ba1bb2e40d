package io.sextant.server.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), written from its
 * specification: every line is a HELP, a TYPE, a comment, blank or a sample; names and label names
 * follow the spec's character sets; label values are quoted with only \\, \" and \n escapes; a
 * family's TYPE comes once and before its samples; a family's samples are contiguous; histograms
 * have an le="+Inf" bucket, cumulative buckets and a count equal to it. Anything else throws.
 */
public final class PrometheusText {
  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, String help, List<Sample> samples) {}

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile("(" + NAME + ")(\\{(.*)\\})?[ \\t]+(\\S+)([ \\t]+-?[0-9]+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    String current = null;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      String where = "line " + n + ": " + line;
      if (line.isBlank()) {
        continue;
      }
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        Family f = family(families, m.group(1));
        if (f.help() != null) {
          throw new IllegalArgumentException("second HELP, " + where);
        }
        families.put(f.name(), new Family(f.name(), f.type(), m.group(2), f.samples()));
        continue;
      }
      if ((m = TYPE.matcher(line)).matches()) {
        Family f = family(families, m.group(1));
        if (f.type() != null || !f.samples().isEmpty()) {
          throw new IllegalArgumentException("TYPE again or after samples, " + where);
        }
        families.put(f.name(), new Family(f.name(), m.group(2), f.help(), f.samples()));
        continue;
      }
      if (line.startsWith("#")) {
        if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
          throw new IllegalArgumentException("malformed HELP or TYPE, " + where);
        }
        continue;
      }
      if (!(m = SAMPLE.matcher(line)).matches()) {
        throw new IllegalArgumentException("not a sample, " + where);
      }
      String name = m.group(1);
      Family f = owner(families, name);
      if (!f.name().equals(current)) {
        if (!closed.add(f.name())) {
          throw new IllegalArgumentException("samples of " + f.name() + " not together, " + where);
        }
        current = f.name();
      }
      f.samples().add(new Sample(name, labels(m.group(3), where), value(m.group(4), where)));
    }
    families.values().forEach(PrometheusText::check);
    return families;
  }

  private static Family family(Map<String, Family> families, String name) {
    return families.computeIfAbsent(name, k -> new Family(k, null, null, new ArrayList<>()));
  }

  /** The family a sample belongs to: its own name, or a histogram's or summary's base name. */
  private static Family owner(Map<String, Family> families, String name) {
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (name.endsWith(suffix)) {
        Family f = families.get(name.substring(0, name.length() - suffix.length()));
        if (f != null && ("histogram".equals(f.type()) || "summary".equals(f.type()))) {
          if (suffix.equals("_bucket") && !"histogram".equals(f.type())) {
            break;
          }
          return f;
        }
      }
    }
    Family f = family(families, name);
    if (f.type() == null) {
      families.put(name, f = new Family(name, "untyped", f.help(), f.samples()));
    }
    return f;
  }

  private static Map<String, String> labels(String text, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    Matcher m = LABEL.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("bad label at " + at + ", " + where);
      }
      String value = m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
      if (out.put(m.group(1), value) != null) {
        throw new IllegalArgumentException("label twice, " + where);
      }
      at = m.end();
    }
    return out;
  }

  private static double value(String text, String where) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        if (!text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
          throw new IllegalArgumentException("bad value " + text + ", " + where);
        }
        yield Double.parseDouble(text);
      }
    };
  }

  private static void check(Family f) {
    if (!"histogram".equals(f.type())) {
      return;
    }
    Map<Map<String, String>, List<double[]>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : f.samples()) {
      Map<String, String> series = new LinkedHashMap<>(s.labels());
      String le = series.remove("le");
      if (s.name().endsWith("_bucket")) {
        if (le == null) {
          throw new IllegalArgumentException(f.name() + ": a bucket without le");
        }
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        buckets
            .computeIfAbsent(series, k -> new ArrayList<>())
            .add(new double[] {bound, s.value()});
      } else if (s.name().endsWith("_count")) {
        counts.put(series, s.value());
      }
    }
    buckets.forEach(
        (series, list) -> {
          double last = Double.NEGATIVE_INFINITY;
          double count = 0;
          for (double[] b : list) {
            if (b[0] <= last || b[1] < count) {
              throw new IllegalArgumentException(f.name() + ": buckets out of order " + series);
            }
            last = b[0];
            count = b[1];
          }
          if (last != Double.POSITIVE_INFINITY
              || !Double.valueOf(count).equals(counts.get(series))) {
            throw new IllegalArgumentException(f.name() + ": no +Inf bucket equal to the count");
          }
        });
  }
}
