package io.sextant.demo.traffic;

/** A simulated user: who they are, which account (team) and tenant they belong to. */
public record Shopper(String userId, String accountId, String tenant, boolean mobile) {
  private static final String[] TENANTS = {"storefront-us", "storefront-eu", "storefront-apac"};

  /** User {@code n} (1..100,000) of account {@code n % 1000}, as the identity database has it. */
  public static Shopper of(int n) {
    int account = n % TrafficGenerator.ACCOUNTS;
    return new Shopper(
        String.format("u-%06d", n),
        String.format("a-%04d", account),
        TENANTS[account % TENANTS.length],
        n % 3 == 0);
  }

  /** Tester {@code n} (1..10) of the tester account. */
  public static Shopper tester(int n) {
    return new Shopper(String.format("u-tester-%02d", n), "a-tester", "storefront-us", false);
  }

  /** The W3C baggage header value for this shopper's requests. */
  public String baggage(boolean tracerBullet) {
    return "user_id="
        + userId
        + ",account_id="
        + accountId
        + ",request_type="
        + (tracerBullet ? "TRACE" : "STANDARD")
        + ",tenant="
        + tenant;
  }

  public String userAgent() {
    return mobile ? "storefront-ios/8.2" : "Mozilla/5.0 (storefront web)";
  }
}
