package io.sextant.client;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.net.http.HttpHeaders;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Tracer bullets: requests with {@code request_type=TRACE} in their baggage. They take the same
 * path as any request, so their traces show what a request touches, but every write they would make
 * is rolled back or skipped, so they can be fired at production at any time.
 *
 * <p>A service says so in its answer: while a request is {@linkplain #begin() tracked}, a guard
 * that rolls back or skips a write marks it, and the answer carries {@value #RESPONSE_HEADER}{@code
 * : }{@value #RESPONSE_ROLLED_BACK} (Sextant's probes read it: a probe that writes to a system that
 * never says so may really write). A service relays the header of the answers it gets from the
 * services it calls ({@link #noteResponse(String)}), so the edge's answer says it for the whole
 * path.
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

  /** The response header of a tracer bullet whose writes were rolled back or skipped. */
  public static final String RESPONSE_HEADER = "Sextant-Tracer-Bullet";

  /** Its value. */
  public static final String RESPONSE_ROLLED_BACK = "rolled-back";

  private static final ContextKey<Tracked> TRACKED =
      ContextKey.named("sextant-tracer-bullet-tracked");

  private TracerBullet() {}

  /**
   * What the guards did for one request, from {@link #begin()} until it is closed: whether a write
   * was rolled back or skipped, here or (relayed) in a service called.
   */
  public static final class Tracked implements AutoCloseable {
    private final Scope scope;
    private volatile boolean rolledBack;

    private Tracked(Context context) {
      this.scope = context.with(TRACKED, this).makeCurrent();
    }

    /** Whether a guard rolled back or skipped a write of this request. */
    public boolean rolledBack() {
      return rolledBack;
    }

    /**
     * The value of {@link #RESPONSE_HEADER} for this request's answer ({@link
     * #RESPONSE_ROLLED_BACK}), or empty when nothing was rolled back: set it before the answer's
     * headers are sent.
     */
    public Optional<String> responseHeader() {
      return rolledBack ? Optional.of(RESPONSE_ROLLED_BACK) : Optional.empty();
    }

    void mark() {
      rolledBack = true;
    }

    @Override
    public void close() {
      scope.close();
    }
  }

  /**
   * Starts tracking what the guards do for the current request (call it where the request's context
   * is made current, after the baggage is extracted); close it when the request ends.
   *
   * <pre>{@code
   * try (TracerBullet.Tracked t = TracerBullet.begin()) {
   *   Answer a = handle(request);
   *   t.responseHeader().ifPresent(v -> response.setHeader(TracerBullet.RESPONSE_HEADER, v));
   * }
   * }</pre>
   */
  public static Tracked begin() {
    return new Tracked(Context.current());
  }

  /**
   * Relays the {@link #RESPONSE_HEADER} of an answer from a service this request called (its value,
   * or null when it had none): the current request's answer then says it too.
   */
  public static void noteResponse(String headerValue) {
    if (headerValue != null && headerValue.strip().equalsIgnoreCase(RESPONSE_ROLLED_BACK)) {
      Tracked t = Context.current().get(TRACKED);
      if (t != null) {
        t.mark();
      }
    }
  }

  /** {@link #noteResponse(String)} for the headers of a JDK {@code HttpClient} answer. */
  public static void noteResponse(HttpHeaders headers) {
    headers.allValues(RESPONSE_HEADER).forEach(TracerBullet::noteResponse);
  }

  /** Whether the current request is a tracer bullet. */
  public static boolean active() {
    return active(Context.current());
  }

  public static boolean active(Context context) {
    return RequestType.parse(Baggage.fromContext(context).getEntryValue(ContextKeys.REQUEST_TYPE))
        == RequestType.TRACE;
  }

  /**
   * Marks the current span: a guard {@code action} ({@link #ROLLED_BACK}, {@link #SKIPPED}); and
   * the request, when it is {@linkplain #begin() tracked}, so its answer says a write was rolled
   * back.
   */
  public static void mark(String action) {
    Span span = Span.current();
    span.setAttribute(GUARDED, true);
    span.setAttribute(ACTION, action);
    Tracked t = Context.current().get(TRACKED);
    if (t != null) {
      t.mark();
    }
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
