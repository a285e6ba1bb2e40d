package io.sextant.demo.fault;

import java.util.Locale;

/** What can be broken, and on which kind of component. */
public enum FaultKind {
  DOWN("down", "service, database or cache refuses connections"),
  HUNG("hung", "service, database or cache accepts connections and never answers"),
  ERROR_RATE("error-rate", "service answers 500 to --percent of requests"),
  LATENCY("latency", "service, database or cache takes --ms longer (± --jitter)"),
  RESETS("resets", "--percent of messages to a service, database or cache reset the connection"),
  BAD_DEPLOY("bad-deploy", "service runs a new service.version whose one endpoint fails"),
  HOST_DOWN("host-down", "every service on a simulated host is down"),
  CPU_HOG("cpu-hog", "service burns --ms of CPU on every request"),
  POOL_EXHAUSTION("pool-exhaustion", "every connection of a service's database pool is leaked");

  private final String label;
  private final String description;

  FaultKind(String label, String description) {
    this.label = label;
    this.description = description;
  }

  public String label() {
    return label;
  }

  public String description() {
    return description;
  }

  public static FaultKind parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (FaultKind k : values()) {
      if (k.label.equals(t)) {
        return k;
      }
    }
    if (t.equals("slow")) {
      return LATENCY;
    }
    throw new IllegalArgumentException(
        "unknown fault kind \""
            + text
            + "\"; one of: down, hung, error-rate, latency, resets, bad-deploy, host-down,"
            + " cpu-hog, pool-exhaustion");
  }
}
