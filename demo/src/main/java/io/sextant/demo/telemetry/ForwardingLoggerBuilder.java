package io.sextant.demo.telemetry;

import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerBuilder;
import io.opentelemetry.api.logs.LoggerProvider;
import java.util.function.Supplier;

/** A logger that asks for the current provider's logger on every record, so deploys switch it. */
final class ForwardingLoggerBuilder implements LoggerBuilder {
  private final String name;
  private final Supplier<LoggerProvider> provider;
  private String version;

  ForwardingLoggerBuilder(String name, Supplier<LoggerProvider> provider) {
    this.name = name;
    this.provider = provider;
  }

  @Override
  public LoggerBuilder setSchemaUrl(String schemaUrl) {
    return this;
  }

  @Override
  public LoggerBuilder setInstrumentationVersion(String v) {
    this.version = v;
    return this;
  }

  @Override
  public Logger build() {
    String v = version;
    return new Logger() {
      @Override
      public LogRecordBuilder logRecordBuilder() {
        LoggerBuilder b = provider.get().loggerBuilder(name);
        if (v != null) {
          b.setInstrumentationVersion(v);
        }
        return b.build().logRecordBuilder();
      }
    };
  }
}
