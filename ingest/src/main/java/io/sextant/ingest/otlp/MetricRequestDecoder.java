package io.sextant.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.sextant.ingest.DecodeResult;
import io.sextant.ingest.IngestLimits;
import io.sextant.ingest.Rejections;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.Scope;
import io.sextant.store.spi.JsonText;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ExportMetricsServiceRequest into one {@code metric} event per data point
 * (docs/query.md, "Metrics"). Unlike traces and logs this reads the generated message classes
 * rather than the wire by hand ({@link OtlpRequestDecoder}): a metric expands into many points of
 * five shapes, and the hand decoder's envelope counts one event per item. The cost: a string that
 * is not valid UTF-8 fails the whole request (400) instead of one data point, as in the generated
 * parser. Problems of one data point (a limit, no time, no metric name) reject that point alone;
 * {@code rejected_data_points} counts them.
 *
 * <p>The point's own attributes come first, then the metric's fields under {@code metric.*} and
 * {@code value}, which win over a point attribute of the same name. Limits on attribute count apply
 * to the point's own attributes.
 */
final class MetricRequestDecoder {
  /** Nesting of arrays and maps inside one attribute value, as {@link AnyValueReader}. */
  private static final int MAX_DEPTH = AnyValueReader.MAX_DEPTH;

  private final IngestLimits limits;
  private final Rejections rejections;
  private final List<Event> events = new ArrayList<>();
  private String problem;

  MetricRequestDecoder(IngestLimits limits) {
    this.limits = limits;
    this.rejections = new Rejections("data point", "data points", limits.maxItemsPerRequest());
  }

  DecodeResult decode(byte[] protobuf) throws InvalidProtocolBufferException {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(protobuf);
    int resourceNumber = 0;
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      resourceNumber++;
      problem = null;
      Map<String, Object> attrs = attributes(rm.getResource().getAttributesList());
      Resource resource =
          problem != null
              ? null
              : attrs.isEmpty() ? Resource.EMPTY : new Resource(Attributes.of(attrs));
      String rejectAll =
          resource == null
              ? "resource "
                  + resourceNumber
                  + " has "
                  + problem
                  + ", so its data points were"
                  + " rejected"
              : null;
      int scopeNumber = 0;
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        scopeNumber++;
        Scope scope = null;
        String rejectScope = rejectAll;
        if (rejectScope == null) {
          scope = scope(sm.getScope());
          if (scope == null) {
            rejectScope =
                "scope "
                    + scopeNumber
                    + " of resource "
                    + resourceNumber
                    + " has "
                    + problem
                    + ", so its data points were rejected";
          }
        }
        for (Metric metric : sm.getMetricsList()) {
          metric(metric, resource, scope, rejectScope);
        }
      }
    }
    return rejections.result(events);
  }

  private Scope scope(InstrumentationScope s) {
    problem = null;
    Map<String, Object> attrs = attributes(s.getAttributesList());
    if (problem != null) {
      return null;
    }
    if (s.getName().isEmpty() && s.getVersion().isEmpty() && attrs.isEmpty()) {
      return Scope.EMPTY;
    }
    return new Scope(s.getName(), s.getVersion(), Attributes.of(attrs));
  }

  private void metric(Metric m, Resource resource, Scope scope, String rejectAll) {
    switch (m.getDataCase()) {
      case GAUGE -> {
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          point(
              m,
              resource,
              scope,
              rejectAll,
              p.getTimeUnixNano(),
              p.getAttributesList(),
              a -> {
                a.put("metric.type", "gauge");
                number(a, p);
              });
        }
      }
      case SUM -> {
        var sum = m.getSum();
        for (NumberDataPoint p : sum.getDataPointsList()) {
          point(
              m,
              resource,
              scope,
              rejectAll,
              p.getTimeUnixNano(),
              p.getAttributesList(),
              a -> {
                a.put("metric.type", "sum");
                a.put("metric.temporality", temporality(sum.getAggregationTemporality()));
                a.put("metric.monotonic", sum.getIsMonotonic());
                start(a, p.getStartTimeUnixNano());
                number(a, p);
              });
        }
      }
      case HISTOGRAM -> {
        var h = m.getHistogram();
        for (HistogramDataPoint p : h.getDataPointsList()) {
          point(
              m,
              resource,
              scope,
              rejectAll,
              p.getTimeUnixNano(),
              p.getAttributesList(),
              a -> {
                a.put("metric.type", "histogram");
                a.put("metric.temporality", temporality(h.getAggregationTemporality()));
                start(a, p.getStartTimeUnixNano());
                a.put("metric.count", p.getCount());
                if (p.hasSum()) {
                  a.put("metric.sum", p.getSum());
                }
                if (p.hasMin()) {
                  a.put("metric.min", p.getMin());
                }
                if (p.hasMax()) {
                  a.put("metric.max", p.getMax());
                }
                a.put("metric.bucket_bounds", doubles(p.getExplicitBoundsList()));
                a.put("metric.bucket_counts", longs(p.getBucketCountsList()));
                if (p.getBucketCountsCount() != 0
                    && p.getBucketCountsCount() != p.getExplicitBoundsCount() + 1) {
                  fail(
                      p.getBucketCountsCount()
                          + " bucket counts for "
                          + p.getExplicitBoundsCount()
                          + " bounds (there must be one more count than bounds)");
                }
              });
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        var h = m.getExponentialHistogram();
        for (ExponentialHistogramDataPoint p : h.getDataPointsList()) {
          point(
              m,
              resource,
              scope,
              rejectAll,
              p.getTimeUnixNano(),
              p.getAttributesList(),
              a -> {
                a.put("metric.type", "exponential_histogram");
                a.put("metric.temporality", temporality(h.getAggregationTemporality()));
                start(a, p.getStartTimeUnixNano());
                a.put("metric.count", p.getCount());
                if (p.hasSum()) {
                  a.put("metric.sum", p.getSum());
                }
                if (p.hasMin()) {
                  a.put("metric.min", p.getMin());
                }
                if (p.hasMax()) {
                  a.put("metric.max", p.getMax());
                }
                a.put("metric.scale", (long) p.getScale());
                a.put("metric.zero_count", p.getZeroCount());
                if (p.getZeroThreshold() != 0) {
                  a.put("metric.zero_threshold", p.getZeroThreshold());
                }
                a.put("metric.positive_offset", (long) p.getPositive().getOffset());
                a.put(
                    "metric.positive_bucket_counts", longs(p.getPositive().getBucketCountsList()));
                a.put("metric.negative_offset", (long) p.getNegative().getOffset());
                a.put(
                    "metric.negative_bucket_counts", longs(p.getNegative().getBucketCountsList()));
              });
        }
      }
      case SUMMARY -> {
        for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
          point(
              m,
              resource,
              scope,
              rejectAll,
              p.getTimeUnixNano(),
              p.getAttributesList(),
              a -> {
                a.put("metric.type", "summary");
                start(a, p.getStartTimeUnixNano());
                a.put("metric.count", p.getCount());
                a.put("metric.sum", p.getSum());
                StringBuilder q = new StringBuilder("{");
                for (SummaryDataPoint.ValueAtQuantile v : p.getQuantileValuesList()) {
                  if (q.length() > 1) {
                    q.append(',');
                  }
                  JsonText.appendString(q, JsonNumber.text(v.getQuantile()));
                  q.append(':');
                  JsonText.appendNumber(q, v.getValue());
                }
                a.put("metric.quantiles", q.append('}').toString());
              });
        }
      }
      case DATA_NOT_SET -> {
        // A metric without data has no points: nothing to store, nothing to reject.
      }
    }
  }

  private interface Fields {
    void put(Map<String, Object> attributes);
  }

  private void point(
      Metric m,
      Resource resource,
      Scope scope,
      String rejectAll,
      long time,
      List<KeyValue> pointAttributes,
      Fields fields) {
    int item = rejections.nextItem();
    if (rejections.beyondLimit(item)) {
      return;
    }
    if (rejectAll != null) {
      rejections.reject(rejectAll);
      return;
    }
    problem = null;
    Map<String, Object> a = attributes(pointAttributes);
    if (m.getName().isEmpty()) {
      fail("no metric name");
    } else {
      String p = limits.attributeValueProblem("metric.name", m.getName());
      if (p != null) {
        fail(p);
      }
    }
    if (time == 0) {
      fail("no time");
    } else if (time < 0) {
      fail("a time after the year 2262");
    }
    a.put("metric.name", m.getName());
    if (!m.getUnit().isEmpty()) {
      a.put("metric.unit", m.getUnit());
    }
    fields.put(a);
    if (problem != null) {
      rejections.reject("data point " + item + " has " + problem);
      return;
    }
    events.add(
        Event.metric()
            .timeUnixNano(time)
            .resource(resource)
            .scope(scope)
            .name(m.getName())
            .attributes(Attributes.of(a))
            .build());
  }

  private static void number(Map<String, Object> a, NumberDataPoint p) {
    if ((p.getFlags() & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0) {
      return; // a staleness marker: the series had no value at this time
    }
    switch (p.getValueCase()) {
      case AS_DOUBLE -> a.put("value", p.getAsDouble());
      case AS_INT -> a.put("value", p.getAsInt());
      case VALUE_NOT_SET -> {}
    }
  }

  private static void start(Map<String, Object> a, long startTimeUnixNano) {
    if (startTimeUnixNano > 0) {
      a.put("metric.start_time", startTimeUnixNano);
    }
  }

  private static String temporality(AggregationTemporality t) {
    return switch (t) {
      case AGGREGATION_TEMPORALITY_DELTA -> "delta";
      case AGGREGATION_TEMPORALITY_CUMULATIVE -> "cumulative";
      default -> "unspecified";
    };
  }

  private static String doubles(List<Double> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      JsonText.appendNumber(out, values.get(i));
    }
    return out.append(']').toString();
  }

  private static String longs(List<Long> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(Long.toUnsignedString(values.get(i)));
    }
    return out.append(']').toString();
  }

  private void fail(String phrase) {
    if (problem == null) {
      problem = phrase;
    }
  }

  /** Attributes under the limits, as the hand decoders read them; a breach fails the owner. */
  private Map<String, Object> attributes(List<KeyValue> list) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : list) {
      if (!kv.hasValue() || kv.getValue().getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
        continue; // a pair without a value is skipped, as OTLP asks
      }
      String key = kv.getKey();
      String p = limits.attributeKeyProblem(key);
      Object value = value(kv.getValue(), 0);
      if (p == null && value == null) {
        p =
            "attribute "
                + IngestLimits.quote(key)
                + " that nests arrays or maps more than "
                + MAX_DEPTH
                + " levels deep";
      } else if (p == null && value instanceof String s) {
        p = limits.attributeValueProblem(key, s);
      }
      if (p != null) {
        fail(p);
      } else {
        out.put(key, value);
      }
    }
    String p = limits.attributeCountProblem(out.size());
    if (p != null) {
      fail(p);
    }
    return out;
  }

  /**
   * As {@link AnyValueReader#read}: flat values, arrays and maps as JSON text; null if too deep.
   */
  private static Object value(AnyValue v, int depth) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> {
        StringBuilder json = new StringBuilder();
        yield render(v, json, depth) ? json.toString() : null;
      }
      default -> ""; // VALUE_NOT_SET (skipped before), and profiles' string-table indexes
    };
  }

  private static boolean render(AnyValue v, StringBuilder json, int depth) {
    switch (v.getValueCase()) {
      case STRING_VALUE -> JsonText.appendString(json, v.getStringValue());
      case BOOL_VALUE -> json.append(v.getBoolValue());
      case INT_VALUE -> json.append(v.getIntValue());
      case DOUBLE_VALUE -> JsonText.appendNumber(json, v.getDoubleValue());
      case BYTES_VALUE ->
          JsonText.appendString(
              json, Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      default -> json.append("null");
      case ARRAY_VALUE -> {
        if (depth + 1 > MAX_DEPTH) {
          return false;
        }
        json.append('[');
        boolean first = true;
        for (AnyValue x : v.getArrayValue().getValuesList()) {
          if (!first) {
            json.append(',');
          }
          first = false;
          if (!render(x, json, depth + 1)) {
            return false;
          }
        }
        json.append(']');
      }
      case KVLIST_VALUE -> {
        if (depth + 1 > MAX_DEPTH) {
          return false;
        }
        json.append('{');
        boolean first = true;
        for (KeyValue x : v.getKvlistValue().getValuesList()) {
          if (!first) {
            json.append(',');
          }
          first = false;
          JsonText.appendString(json, x.getKey());
          json.append(':');
          if (!x.hasValue()) {
            json.append("null");
          } else if (!render(x.getValue(), json, depth + 1)) {
            return false;
          }
        }
        json.append('}');
      }
    }
    return true;
  }

  /** Quantiles as keys: {@code 0.99}, not {@code 0.9900000000000001}-style noise. */
  private static final class JsonNumber {
    static String text(double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
  }
}
