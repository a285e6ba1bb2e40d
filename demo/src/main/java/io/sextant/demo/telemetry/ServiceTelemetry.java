package io.sextant.demo.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.sextant.client.StructuredLog;
import io.sextant.client.sdk.BaggageLogRecordProcessor;
import io.sextant.client.sdk.BaggageSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One service's own OpenTelemetry SDK: its resource ({@code service.name}, {@code service.version},
 * {@code host.name}, {@code deployment.environment.name}), W3C trace-context and baggage
 * propagation, the client kit's baggage processors, and OTLP/HTTP export to Sextant. A deploy
 * replaces the SDK (a resource is fixed for an SDK's life), so callers hold {@link
 * #openTelemetry()}, which always forwards to the SDK of the version now running.
 */
public final class ServiceTelemetry implements AutoCloseable {
  public static final ContextPropagators PROPAGATORS =
      ContextPropagators.create(
          TextMapPropagator.composite(
              W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));

  private final String service;
  private final String host;
  private final String environment;
  private final String otlpEndpoint;
  private final Duration exportDelay;
  private volatile OpenTelemetrySdk sdk;
  private volatile String version;
  private final OpenTelemetry forwarding;
  private final StructuredLog log;

  public ServiceTelemetry(
      String service,
      String version,
      String host,
      String environment,
      String otlpEndpoint,
      Duration exportDelay) {
    this.service = service;
    this.host = host;
    this.environment = environment;
    this.otlpEndpoint = otlpEndpoint;
    this.exportDelay = exportDelay;
    this.version = version;
    this.sdk = build(version);
    this.forwarding = new Forwarding();
    this.log = StructuredLog.of(forwarding, "io.sextant.demo." + service);
  }

  private OpenTelemetrySdk build(String v) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", service)
                        .put("service.version", v)
                        .put("service.namespace", "storefront")
                        .put("host.name", host)
                        .put("deployment.environment.name", environment)
                        .build()));
    SdkTracerProvider traces =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(new BaggageSpanProcessor())
            .addSpanProcessor(
                BatchSpanProcessor.builder(
                        OtlpHttpSpanExporter.builder()
                            .setEndpoint(otlpEndpoint + "/v1/traces")
                            .build())
                    .setScheduleDelay(exportDelay)
                    .setMaxQueueSize(20_000)
                    .build())
            .build();
    SdkLoggerProvider logs =
        SdkLoggerProvider.builder()
            .setResource(resource)
            .addLogRecordProcessor(new BaggageLogRecordProcessor())
            .addLogRecordProcessor(
                BatchLogRecordProcessor.builder(
                        OtlpHttpLogRecordExporter.builder()
                            .setEndpoint(otlpEndpoint + "/v1/logs")
                            .build())
                    .setScheduleDelay(exportDelay)
                    .build())
            .build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(traces)
        .setLoggerProvider(logs)
        .setPropagators(PROPAGATORS)
        .build();
  }

  public String service() {
    return service;
  }

  public String version() {
    return version;
  }

  public String host() {
    return host;
  }

  /** An OpenTelemetry that always uses the SDK of the running version. */
  public OpenTelemetry openTelemetry() {
    return forwarding;
  }

  public Tracer tracer() {
    return forwarding.getTracer("io.sextant.demo");
  }

  public StructuredLog log() {
    return log;
  }

  /** A deploy: spans and logs from now on carry {@code newVersion}; the old SDK is flushed. */
  public void deploy(String newVersion) {
    if (newVersion.equals(version)) {
      return;
    }
    OpenTelemetrySdk old = sdk;
    sdk = build(newVersion);
    version = newVersion;
    old.shutdown().join(5, TimeUnit.SECONDS);
  }

  /** Exports everything buffered; tests call it before reading Sextant. */
  public void flush() {
    OpenTelemetrySdk s = sdk;
    s.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
    s.getSdkLoggerProvider().forceFlush().join(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    sdk.shutdown().join(10, TimeUnit.SECONDS);
  }

  private final class Forwarding implements OpenTelemetry {
    private final TracerProvider tracers =
        new TracerProvider() {
          @Override
          public Tracer get(String name) {
            return spanName -> sdk.getTracer(name).spanBuilder(spanName);
          }

          @Override
          public Tracer get(String name, String v) {
            return spanName -> sdk.getTracer(name, v).spanBuilder(spanName);
          }

          @Override
          public TracerBuilder tracerBuilder(String name) {
            return new TracerBuilder() {
              private String v;

              @Override
              public TracerBuilder setSchemaUrl(String schemaUrl) {
                return this;
              }

              @Override
              public TracerBuilder setInstrumentationVersion(String instrumentationVersion) {
                this.v = instrumentationVersion;
                return this;
              }

              @Override
              public Tracer build() {
                String version = v;
                return spanName ->
                    (version == null ? sdk.getTracer(name) : sdk.getTracer(name, version))
                        .spanBuilder(spanName);
              }
            };
          }
        };

    private final LoggerProvider loggers =
        name -> new ForwardingLoggerBuilder(name, () -> sdk.getSdkLoggerProvider());

    @Override
    public TracerProvider getTracerProvider() {
      return tracers;
    }

    @Override
    public LoggerProvider getLogsBridge() {
      return loggers;
    }

    @Override
    public ContextPropagators getPropagators() {
      return PROPAGATORS;
    }
  }
}
