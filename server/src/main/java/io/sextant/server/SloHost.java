package io.sextant.server;

import com.linecorp.armeria.common.util.BlockingTaskExecutor;
import io.sextant.query.Engine;
import io.sextant.server.api.TriageApi;
import io.sextant.server.metrics.SelfMetrics;
import io.sextant.server.slo.AlertNotifier;
import io.sextant.server.slo.SloApi;
import io.sextant.server.slo.SloConfig;
import io.sextant.server.slo.SloCounter;
import io.sextant.server.slo.SloEvaluator;
import io.sextant.server.slo.SloFile;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLOs being evaluated (docs/slo.md), their alerts and the gauges they export at {@code
 * /metrics}: each firing alert carries the first suspects of a triage run at once. With a counter
 * (this process stores the events), they are counted as they are stored; else by questions.
 */
final class SloHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SloHost.class);

  private final Engine engine;
  private final TriageApi triage;
  private final Clock clock;
  private final SloCounter counter;

  private volatile SloEvaluator slos;
  private volatile AlertNotifier alerts;
  private volatile SloFile file;

  SloHost(Engine engine, TriageApi triage, SelfMetrics metrics, Clock clock, SloCounter counter) {
    this.engine = engine;
    this.triage = triage;
    this.clock = clock;
    this.counter = counter;
    register(metrics);
  }

  /** The SLO routes, over whichever SLOs run. */
  SloApi api(BlockingTaskExecutor blocking) {
    return new SloApi(() -> slos, () -> alerts, () -> file, blocking);
  }

  /** See {@link SextantServer#startSlos(SloConfig, Path)}. */
  synchronized SloEvaluator start(SloConfig config, Path written) {
    stop();
    file = written == null ? null : new SloFile(written);
    alerts =
        // One triage at a time with the API's (a user may press "Run triage" during an alert).
        new AlertNotifier(config, () -> triage.triageNow(2, true), clock);
    slos = new SloEvaluator(config, engine, clock, alerts, counter).start();
    log.info(
        "{} SLOs evaluated, a minute being {}, counted {}",
        config.slos().size(),
        slos.minute(),
        counter == null ? "by questions to the store" : "as events are stored");
    return slos;
  }

  private synchronized void stop() {
    if (slos != null) {
      slos.close();
      slos = null;
    }
    if (alerts != null) {
      alerts.close();
      alerts = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void register(SelfMetrics metrics) {
    metrics.gauge(
        "sextant_slo_burn_rate",
        "How many times faster than sustainable each SLO burns its error budget, per window.",
        new String[] {"slo", "window"},
        cb -> {
          SloEvaluator e = slos;
          if (e != null) {
            for (SloEvaluator.Status s : e.statuses()) {
              for (int i = 0; i < SloEvaluator.WINDOW_NAMES.length; i++) {
                cb.call(s.burnRates()[i], s.slo().name(), SloEvaluator.WINDOW_NAMES[i]);
              }
            }
          }
        });
    metrics.gauge(
        "sextant_slo_error_budget_remaining",
        "The fraction of each SLO's error budget left over its window.",
        new String[] {"slo"},
        cb -> {
          SloEvaluator e = slos;
          if (e != null) {
            for (SloEvaluator.Status s : e.statuses()) {
              cb.call(s.budgetRemaining(), s.slo().name());
            }
          }
        });
    metrics.gauge(
        "sextant_slo_alert_firing",
        "1 while an SLO's alert fires.",
        new String[] {"slo", "severity"},
        cb -> {
          SloEvaluator e = slos;
          if (e != null) {
            for (SloEvaluator.Status s : e.statuses()) {
              cb.call(s.paging() ? 1 : 0, s.slo().name(), "page");
              cb.call(s.ticketing() ? 1 : 0, s.slo().name(), "ticket");
            }
          }
        });
  }
}
