package io.sextant.store.spi;

/** Whether a component can work now; {@code detail} is a sentence for a person when it cannot. */
public record Health(boolean healthy, String detail) {
  public static Health ok() {
    return new Health(true, "ok");
  }

  public static Health unhealthy(String detail) {
    return new Health(false, detail);
  }
}
