package io.sextant.server.cli;

import java.util.ArrayList;
import java.util.List;

/** One line of block characters for a series: ▁ for its smallest value, █ for its largest. */
final class Sparkline {
  private static final char[] BLOCKS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

  private Sparkline() {}

  /**
   * {@code values} as a sparkline of at most {@code width} characters; a null (an empty bucket) is
   * a space. When there are more values than characters, each character shows the largest value of
   * the buckets it stands for, so spikes stay visible.
   */
  static String render(List<Double> values, int width) {
    List<Double> shown = values.size() > width ? maxPerCell(values, width) : values;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Double v : shown) {
      if (v != null) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    StringBuilder out = new StringBuilder(shown.size());
    for (Double v : shown) {
      if (v == null) {
        out.append(' ');
      } else if (max == min) {
        out.append(BLOCKS[0]);
      } else {
        out.append(BLOCKS[(int) Math.round((v - min) / (max - min) * (BLOCKS.length - 1))]);
      }
    }
    return out.toString();
  }

  private static List<Double> maxPerCell(List<Double> values, int width) {
    int per = (values.size() + width - 1) / width;
    List<Double> cells = new ArrayList<>();
    for (int start = 0; start < values.size(); start += per) {
      Double cell = null;
      for (Double v : values.subList(start, Math.min(start + per, values.size()))) {
        if (v != null && (cell == null || v > cell)) {
          cell = v;
        }
      }
      cells.add(cell);
    }
    return cells;
  }
}
