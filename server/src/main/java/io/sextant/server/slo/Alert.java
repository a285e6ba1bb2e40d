package io.sextant.server.slo;

import java.util.Locale;

/**
 * An alert firing or resolved.
 *
 * @param burnRates in {@link SloEvaluator#WINDOWS} order: 5m, 30m, 1h, 6h
 * @param startedUnixNano when it started firing
 * @param resolvedUnixNano when it resolved, or -1 while it fires
 */
public record Alert(
    Slo slo,
    Severity severity,
    boolean firing,
    double[] burnRates,
    double budgetRemaining,
    long startedUnixNano,
    long resolvedUnixNano) {

  /** The workbook's two alerts: a fast burn pages, a slow burn opens a ticket. */
  public enum Severity {
    PAGE(SloEvaluator.PAGE_BURN, "1h", "5m"),
    TICKET(SloEvaluator.TICKET_BURN, "6h", "30m");

    final double threshold;
    final String longWindow;
    final String shortWindow;

    Severity(double threshold, String longWindow, String shortWindow) {
      this.threshold = threshold;
      this.longWindow = longWindow;
      this.shortWindow = shortWindow;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The same alert across its firing and its resolve: receivers deduplicate by it. */
  public String id() {
    return slo.name() + ":" + severity.label() + ":" + startedUnixNano;
  }
}
