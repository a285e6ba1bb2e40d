package io.sextant.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders the JSON answer of {@code POST /api/v1/query} for a terminal: an aligned table (numbers
 * to the right, durations humanised), one sparkline per series group and calculation, a line per
 * heatmap, and a footer with the row count, engine and time taken.
 */
public final class TableRenderer {
  static final int MAX_CELL_CHARS = 80;
  static final int SPARKLINE_WIDTH = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Calculations whose values are nanoseconds of the {@code duration} column. */
  private static final Pattern DURATION_VALUED =
      Pattern.compile("(sum|avg|min|max|p\\d+)\\(duration\\)");

  private static final String[] UNITS = {"d", "h", "m", "s", "ms", "µs", "ns"};
  private static final double[] UNIT_NANOS = {86_400e9, 3_600e9, 60e9, 1e9, 1e6, 1e3, 1};

  private TableRenderer() {}

  private record Column(String name, boolean rightAligned, boolean duration) {}

  /**
   * @throws JsonProcessingException when {@code json} is not JSON
   */
  public static String render(String json) throws JsonProcessingException {
    return render(JSON.readTree(json));
  }

  public static String render(JsonNode result) {
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : result.path("columns")) {
      String name = c.path("name").asText();
      String type = c.path("type").asText();
      boolean calculation = c.path("calculation").asBoolean();
      columns.add(
          new Column(
              name,
              calculation || type.equals("number") || type.equals("timestamp"),
              calculation && DURATION_VALUED.matcher(name).matches()));
    }
    StringBuilder out = new StringBuilder();
    int rows = table(out, columns, result.path("rows"));
    series(out, columns, result.path("series"));
    heatmaps(out, result.path("heatmaps"));
    out.append(rows).append(rows == 1 ? " row" : " rows");
    JsonNode stats = result.path("stats");
    if (stats.hasNonNull("engine")) {
      out.append(" · ").append(stats.get("engine").asText());
    }
    if (stats.hasNonNull("elapsed_ms")) {
      out.append(" · ").append(stats.get("elapsed_ms").asLong()).append(" ms");
    }
    return out.append('\n').toString();
  }

  private static int table(StringBuilder out, List<Column> columns, JsonNode rows) {
    List<List<String>> cells = new ArrayList<>();
    cells.add(columns.stream().map(c -> clean(c.name())).toList());
    for (JsonNode row : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        line.add(cell(row.path(i), columns.get(i).duration()));
      }
      cells.add(line);
    }
    int[] widths = new int[columns.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], width(line.get(i)));
      }
    }
    for (int r = 0; r < cells.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        if (i > 0) {
          line.append("  ");
        }
        line.append(pad(cells.get(r).get(i), widths[i], columns.get(i).rightAligned()));
      }
      out.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        List<String> rules = new ArrayList<>();
        for (int w : widths) {
          rules.add("─".repeat(w));
        }
        out.append(String.join("  ", rules)).append('\n');
      }
    }
    return cells.size() - 1;
  }

  private static void series(StringBuilder out, List<Column> columns, JsonNode series) {
    if (!series.isObject() || series.path("groups").isEmpty()) {
      return;
    }
    out.append('\n')
        .append("series: ")
        .append(series.path("buckets").asInt())
        .append(" buckets of ")
        .append(humanDuration(series.path("step").asDouble()))
        .append(" from ")
        .append(instant(series.path("from").asLong()))
        .append('\n');
    List<String[]> lines = new ArrayList<>();
    for (JsonNode group : series.path("groups")) {
      List<String> key = new ArrayList<>();
      group.path("key").forEach(k -> key.add(cell(k, false)));
      String keyText = key.isEmpty() ? "all" : String.join(", ", key);
      for (String label : labels(columns, group.path("values"))) {
        List<Double> values = new ArrayList<>();
        group
            .path("values")
            .path(label)
            .forEach(v -> values.add(v.isNumber() ? v.asDouble() : null));
        boolean duration = DURATION_VALUED.matcher(label).matches();
        lines.add(
            new String[] {
              keyText,
              clean(label),
              Sparkline.render(values, SPARKLINE_WIDTH),
              range(values, duration)
            });
      }
    }
    int keyWidth = lines.stream().mapToInt(l -> width(l[0])).max().orElse(0);
    int labelWidth = lines.stream().mapToInt(l -> width(l[1])).max().orElse(0);
    for (String[] l : lines) {
      out.append(pad(l[0], keyWidth, false))
          .append("  ")
          .append(pad(l[1], labelWidth, false))
          .append("  ")
          .append(l[2])
          .append("  ")
          .append(l[3])
          .append('\n');
    }
    out.append('\n');
  }

  /** The calculations of a series group, in the order of the table's columns. */
  private static Set<String> labels(List<Column> columns, JsonNode values) {
    Set<String> labels = new LinkedHashSet<>();
    for (Column c : columns) {
      if (values.has(c.name())) {
        labels.add(c.name());
      }
    }
    for (Iterator<String> names = values.fieldNames(); names.hasNext(); ) {
      labels.add(names.next());
    }
    return labels;
  }

  private static String range(List<Double> values, boolean duration) {
    List<Double> present = values.stream().filter(v -> v != null).toList();
    if (present.isEmpty()) {
      return "no data";
    }
    double min = present.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = present.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return duration
        ? "min " + humanDuration(min) + "  max " + humanDuration(max)
        : "min " + number(min) + "  max " + number(max);
  }

  private static void heatmaps(StringBuilder out, JsonNode heatmaps) {
    for (JsonNode h : heatmaps) {
      long events = 0;
      for (JsonNode cell : h.path("cells")) {
        events += cell.path("count").asLong();
      }
      out.append("heatmap(")
          .append(clean(h.path("column").asText()))
          .append("): ")
          .append(events)
          .append(" events in ")
          .append(h.path("cells").size())
          .append(" cells; --json prints them\n");
    }
  }

  private static String cell(JsonNode v, boolean duration) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "-";
    }
    if (v.isNumber()) {
      if (duration) {
        return humanDuration(v.asDouble());
      }
      return v.isIntegralNumber() ? v.asText() : number(v.asDouble());
    }
    if (v.isTextual()) {
      return clean(v.asText());
    }
    return clean(v.toString());
  }

  /** A decimal with at most three places and no exponent: {@code 0.125}, {@code 123400000}. */
  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    return BigDecimal.valueOf(v)
        .setScale(3, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** Nanoseconds in the largest unit that keeps the number at least 1: {@code 123.4ms}. */
  static String humanDuration(double nanos) {
    if (Double.isNaN(nanos) || Double.isInfinite(nanos)) {
      return Double.toString(nanos);
    }
    double abs = Math.abs(nanos);
    for (int i = 0; i < UNITS.length; i++) {
      BigDecimal scaled = BigDecimal.valueOf(abs / UNIT_NANOS[i]).setScale(1, RoundingMode.HALF_UP);
      if (scaled.compareTo(BigDecimal.ONE) >= 0 || i == UNITS.length - 1) {
        return (nanos < 0 ? "-" : "") + scaled.stripTrailingZeros().toPlainString() + UNITS[i];
      }
    }
    throw new AssertionError("unreachable");
  }

  private static String instant(long unixNano) {
    return Instant.ofEpochSecond(
            Math.floorDiv(unixNano, 1_000_000_000L), Math.floorMod(unixNano, 1_000_000_000L))
        .toString();
  }

  /** Text safe for one table cell: control characters escaped, long values cut with an ellipsis. */
  private static String clean(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                  if (Character.isISOControl(c)) {
                    out.append(String.format("\\u%04x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    if (out.codePointCount(0, out.length()) > MAX_CELL_CHARS) {
      return out.substring(0, out.offsetByCodePoints(0, MAX_CELL_CHARS - 1)) + "…";
    }
    return out.toString();
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String pad(String s, int width, boolean right) {
    String space = " ".repeat(Math.max(0, width - width(s)));
    return right ? space + s : s + space;
  }
}
