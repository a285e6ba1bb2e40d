package io.sextant.client;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Who a request is for and what kind it is, carried as W3C baggage so that it crosses every HTTP
 * call and queue hop the OpenTelemetry propagators cross. Null fields are absent from the baggage.
 */
public record RequestContext(
    String userId, String accountId, RequestType requestType, String tenant) {

  public RequestContext {
    requestType = requestType == null ? RequestType.STANDARD : requestType;
  }

  public static RequestContext of(String userId, String accountId) {
    return new RequestContext(userId, accountId, RequestType.STANDARD, null);
  }

  /** The context of the current request, read from the current baggage. */
  public static RequestContext current() {
    return from(Baggage.current());
  }

  public static RequestContext from(Context context) {
    return from(Baggage.fromContext(context));
  }

  public static RequestContext from(Baggage baggage) {
    return new RequestContext(
        baggage.getEntryValue(ContextKeys.USER_ID),
        baggage.getEntryValue(ContextKeys.ACCOUNT_ID),
        RequestType.parse(baggage.getEntryValue(ContextKeys.REQUEST_TYPE)),
        baggage.getEntryValue(ContextKeys.TENANT));
  }

  public RequestContext withRequestType(RequestType type) {
    return new RequestContext(userId, accountId, type, tenant);
  }

  public RequestContext withTenant(String t) {
    return new RequestContext(userId, accountId, requestType, t);
  }

  /** {@code base} with this context's entries added (other entries are kept). */
  public Baggage storeIn(Baggage base) {
    BaggageBuilder b = base.toBuilder();
    put(b, ContextKeys.USER_ID, userId);
    put(b, ContextKeys.ACCOUNT_ID, accountId);
    put(b, ContextKeys.REQUEST_TYPE, requestType.name());
    put(b, ContextKeys.TENANT, tenant);
    return b.build();
  }

  /** {@code context} with this request context in its baggage. */
  public Context storeIn(Context context) {
    return context.with(storeIn(Baggage.fromContext(context)));
  }

  /** Makes this the current request context until the scope is closed. */
  public Scope makeCurrent() {
    return storeIn(Context.current()).makeCurrent();
  }

  private static void put(BaggageBuilder b, String key, String value) {
    if (value != null && !value.isEmpty()) {
      b.put(key, value);
    }
  }
}
