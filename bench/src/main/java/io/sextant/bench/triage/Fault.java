package io.sextant.bench.triage;

/**
 * One injected fault.
 *
 * @param target a service, backend or host name of the topology
 * @param endpoint for {@link Kind#BAD_DEPLOY}: the one endpoint that fails
 * @param rate for partial kinds: the share of calls affected
 * @param addedMs for slow kinds: the latency added to each call
 */
record Fault(Kind kind, String target, String endpoint, double rate, double addedMs) {
  enum Kind {
    /** The service refuses connections. */
    DOWN("down"),
    /** The service accepts calls and never answers: callers time out. */
    HUNG("hung"),
    /** A share of the service's requests fail with an error of its own. */
    ERROR_RATE("error-rate"),
    /** The service's own work takes longer. */
    LATENCY("latency"),
    /** A share of calls to the service are reset before it sees them (loss). */
    RESET("reset/loss"),
    /** The service's work is several times slower; services on the same host slow down a bit. */
    CPU_HOG("cpu-hog"),
    /** Every service on the host is down. */
    HOST_DOWN("host-down"),
    /** One endpoint of the service fails after a deploy (a change event is recorded). */
    BAD_DEPLOY("bad-deploy"),
    /** A database, cache or broker refuses connections. */
    DB_DOWN("db-down"),
    /** A database or cache answers slowly. */
    DB_SLOW("db-slow");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  static Fault of(Kind kind, String target) {
    return new Fault(kind, target, null, 1, 0);
  }
}
