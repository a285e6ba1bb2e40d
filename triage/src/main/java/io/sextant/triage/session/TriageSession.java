package io.sextant.triage.session;

import io.sextant.triage.rank.Adaptive;
import io.sextant.triage.rank.Posterior;
import io.sextant.triage.rank.ProbeOutcome;
import io.sextant.triage.rank.Ranker;
import io.sextant.triage.rank.Ranking;
import io.sextant.triage.rank.TriageInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One triage, the same for every caller (the server, the demo grid, the simulator): run the suite,
 * rank, and while the answer is not settled run one more probe, then rank again.
 *
 * <p>The answer is settled when the probes have told its lead from the runner-up and the probes'
 * posterior of it is at least {@link Adaptive#CONFIDENT}. While the probes that ran cannot tell the
 * lead from the runner-up (the same signature) and some probe of the catalogue can, that probe runs
 * first, however sure the traces make the answer (each at most twice): trace evidence ranks inside
 * what the probes leave, and it is what made wrong answers look certain. Then, while the probes are
 * unsure, the probe of highest expected information gain per second runs ({@link Adaptive#next}).
 * The session stops at {@code maxExtra} extra runs or when the caller's time is out; then what the
 * extra runs left to read ({@link ProbeDriver#late}) joins the evidence of the last ranking.
 *
 * <p>A driver that can may start the first splitting probe while it waits for the suite's traces,
 * guessed from the suite's outcomes alone ({@link ProbeDriver#suite(List, int,
 * java.util.function.Function)}): a run through a frozen service takes its caller's whole timeout,
 * and the guess is usually the probe the traces lead to.
 */
public final class TriageSession {
  /** A splitting probe runs at most this many times in one session. */
  static final int MAX_SPLIT_RUNS = 2;

  /**
   * What the session may run.
   *
   * @param suite the probes run first, {@code repeats} times each
   * @param catalogue every probe that may run (the suite and the probes only run to split ties)
   * @param flakeRates probe → α, as it was before this triage
   * @param cost probe → seconds a run usually takes
   * @param footprints probe → component → weight, as learned before this triage
   */
  public record Catalogue(
      List<String> suite,
      Set<String> catalogue,
      Map<String, Double> flakeRates,
      Map<String, Double> cost,
      Map<String, Map<String, Double>> footprints) {
    public Catalogue {
      suite = List.copyOf(suite);
      catalogue = Set.copyOf(catalogue);
      flakeRates = Map.copyOf(flakeRates);
      cost = Map.copyOf(cost);
      footprints = Map.copyOf(footprints);
    }
  }

  /**
   * @param repeats runs of each suite probe
   * @param adaptive whether extra probes may run
   * @param maxExtra at most this many extra runs
   * @param outOfTime whether no further extra probe may start (the caller's clock)
   */
  public record Limits(int repeats, boolean adaptive, int maxExtra, BooleanSupplier outOfTime) {}

  /**
   * @param ranking the answer
   * @param input what it was ranked from
   * @param extra the extra probes run, in order
   * @param evidence every probe run's evidence
   */
  public record Result(
      Ranking ranking, TriageInput input, List<String> extra, ProbeEvidence evidence) {}

  private final Ranker ranker;
  private final ProbeDriver driver;
  private final EvidenceSource source;

  public TriageSession(Ranker ranker, ProbeDriver driver, EvidenceSource source) {
    this.ranker = ranker;
    this.driver = driver;
    this.source = source;
  }

  public Result run(Catalogue c, Limits limits) {
    int repeats = Math.max(1, limits.repeats());
    ProbeEvidence ev =
        limits.adaptive() && limits.maxExtra() > 0
            ? driver.suite(c.suite(), repeats, outcomes -> firstSplitter(c, outcomes))
            : driver.suite(c.suite(), repeats);
    TriageInput in = source.input(ev);
    Ranking ranking = ranker.rank(in);
    List<String> extra = new ArrayList<>();
    Map<String, Integer> splitRuns = new HashMap<>();
    while (limits.adaptive()
        && extra.size() < limits.maxExtra()
        && !limits.outOfTime().getAsBoolean()) {
      Posterior post = ranker.posterior(in);
      String next =
          ranker.splitter(ranking, post, in.footprints(), c.catalogue(), splitRuns, c.cost());
      if (next != null && splitRuns.getOrDefault(next, 0) >= MAX_SPLIT_RUNS) {
        next = null;
      }
      if (next != null) {
        splitRuns.merge(next, 1, Integer::sum);
      } else {
        if (Adaptive.confidence(post, ranking) >= Adaptive.CONFIDENT) {
          break;
        }
        next =
            Adaptive.next(
                post, in.footprints(), c.flakeRates(), c.cost(), c.catalogue(), ranker.settings());
        if (next == null) {
          break;
        }
      }
      ev = ev.plus(driver.extra(next));
      extra.add(next);
      in = source.input(ev);
      ranking = ranker.rank(in);
    }
    ProbeEvidence late = driver.late();
    if (!late.isEmpty()) {
      ev = ev.plus(late);
      in = source.input(ev);
      ranking = ranker.rank(in);
    }
    return new Result(ranking, in, List.copyOf(extra), ev);
  }

  /**
   * The probe that would split the lead from the runner-up on the suite's outcomes alone (no
   * traces, no health, no production yet), or null: the guess a driver may start while it waits for
   * the traces, since the splitter usually follows from which probes failed.
   */
  private String firstSplitter(Catalogue c, Map<String, ProbeOutcome> outcomes) {
    TriageInput quick =
        new TriageInput(
            c.footprints(), outcomes, List.of(), Map.of(), Map.of(), List.of(), Map.of());
    return ranker.splitter(
        ranker.rank(quick),
        ranker.posterior(quick),
        c.footprints(),
        c.catalogue(),
        Map.of(),
        c.cost());
  }
}
