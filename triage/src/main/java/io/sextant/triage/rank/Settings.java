package io.sextant.triage.rank;

/**
 * The ranking's constants (triage-methods §5.2, §5.5).
 *
 * @param beta the chance that a probe touching a faulty component fails
 * @param noFaultPrior prior mass on "nothing is wrong"
 * @param pairPrior prior mass on two simultaneous faults
 * @param lambdaError weight of the deepest-error-span share
 * @param lambdaLatency weight of the critical-path latency shift
 * @param lambdaTraces weight of Ochiai over production traces
 * @param epsilon floor inside each log term
 * @param touch the footprint weight from which a probe counts as touching a component
 * @param betaChanged β for a component that changed recently: a bad deploy usually breaks some
 *     endpoints, not all, so a passing probe exonerates it less
 * @param gate trace evidence counts only for components whose probe posterior is at least the
 *     best's divided by this (the probes rule out; traces rank what the probes left); a component's
 *     own errors count regardless
 */
public record Settings(
    double beta,
    double noFaultPrior,
    double pairPrior,
    double lambdaError,
    double lambdaLatency,
    double lambdaTraces,
    double epsilon,
    double touch,
    double betaChanged,
    double gate) {
  public static final Settings DEFAULTS =
      new Settings(0.9, 0.4, 0.1, 1.0, 0.7, 0.5, 0.01, 0.5, 0.5, 20);

  /** The same without one evidence source, for ablations. */
  public Settings without(String source) {
    return switch (source) {
      case "error" ->
          new Settings(
              beta,
              noFaultPrior,
              pairPrior,
              0,
              lambdaLatency,
              lambdaTraces,
              epsilon,
              touch,
              betaChanged,
              gate);
      case "latency" ->
          new Settings(
              beta,
              noFaultPrior,
              pairPrior,
              lambdaError,
              0,
              lambdaTraces,
              epsilon,
              touch,
              betaChanged,
              gate);
      case "traces" ->
          new Settings(
              beta,
              noFaultPrior,
              pairPrior,
              lambdaError,
              lambdaLatency,
              0,
              epsilon,
              touch,
              betaChanged,
              gate);
      default -> throw new IllegalArgumentException("no evidence source " + source);
    };
  }
}
