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
 */
public record Settings(
    double beta,
    double noFaultPrior,
    double pairPrior,
    double lambdaError,
    double lambdaLatency,
    double lambdaTraces,
    double epsilon,
    double touch) {
  public static final Settings DEFAULTS = new Settings(0.9, 0.4, 0.1, 1.0, 0.7, 0.5, 0.01, 0.5);

  /** The same without one evidence source, for ablations. */
  public Settings without(String source) {
    return switch (source) {
      case "error" ->
          new Settings(
              beta, noFaultPrior, pairPrior, 0, lambdaLatency, lambdaTraces, epsilon, touch);
      case "latency" ->
          new Settings(beta, noFaultPrior, pairPrior, lambdaError, 0, lambdaTraces, epsilon, touch);
      case "traces" ->
          new Settings(
              beta, noFaultPrior, pairPrior, lambdaError, lambdaLatency, 0, epsilon, touch);
      default -> throw new IllegalArgumentException("no evidence source " + source);
    };
  }
}
