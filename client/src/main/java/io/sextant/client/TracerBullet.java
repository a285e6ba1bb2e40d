package io.sextant.client;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.function.Supplier;

/**
 * Tracer bullets: requests with {@code request_type=TRACE} in their baggage. They take the same
 * path as any request, so their traces show what a request touches, but every write they would make
 * is rolled back or skipped, so they can be fired at production at any time.
 */
public final class TracerBullet {
  /** Set to true on a span where a guard acted for a tracer bullet. */
  public static final AttributeKey<Boolean> GUARDED =
      AttributeKey.booleanKey("sextant.tracer_bullet");

  /** What the guard did on that span: {@code rolled_back} or {@code skipped}. */
  public static final AttributeKey<String> ACTION =
      AttributeKey.stringKey("sextant.tracer_bullet.action");

  public static final String ROLLED_BACK = "rolled_back";
  public static final String SKIPPED = "skipped";

  private TracerBullet() {}

  /** Whether the current request is a tracer bullet. */
  public static boolean active() {
    return active(Context.current());
  }

  public static boolean active(Context context) {
    return RequestType.parse(Baggage.fromContext(context).getEntryValue(ContextKeys.REQUEST_TYPE))
        == RequestType.TRACE;
  }

  /** Marks the current span: a guard {@code action} ({@link #ROLLED_BACK}, {@link #SKIPPED}). */
  public static void mark(String action) {
    Span span = Span.current();
    span.setAttribute(GUARDED, true);
    span.setAttribute(ACTION, action);
  }

  /**
   * Runs {@code write} unless the current request is a tracer bullet, in which case the current
   * span is marked {@code skipped} and {@code whenSkipped} is returned. The guard for side effects
   * that cannot be rolled back: producing to a queue, calling a third party, sending mail.
   */
  public static <T> T unlessActive(Supplier<T> write, T whenSkipped) {
    if (active()) {
      mark(SKIPPED);
      return whenSkipped;
    }
    return write.get();
  }

  /** {@link #unlessActive(Supplier, Object)} for a write without a result. */
  public static void unlessActive(Runnable write) {
    unlessActive(
        () -> {
          write.run();
          return null;
        },
        null);
  }
}
