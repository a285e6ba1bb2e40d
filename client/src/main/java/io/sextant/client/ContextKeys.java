package io.sextant.client;

import java.util.List;

/**
 * The baggage keys that travel with every request and become attributes on every span and log
 * record, so events can be filtered by who the request was for and what kind it was.
 */
public final class ContextKeys {
  public static final String USER_ID = "user_id";
  public static final String ACCOUNT_ID = "account_id";
  public static final String REQUEST_TYPE = "request_type";
  public static final String TENANT = "tenant";

  /** Every key, in the order they are copied onto spans. */
  public static final List<String> ALL = List.of(USER_ID, ACCOUNT_ID, REQUEST_TYPE, TENANT);

  private ContextKeys() {}
}
