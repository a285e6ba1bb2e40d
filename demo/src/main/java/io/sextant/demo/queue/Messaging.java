package io.sextant.demo.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.sextant.demo.telemetry.ServiceTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Producing and consuming JSON events on Kafka with OpenTelemetry messaging spans, written by hand
 * after the semantic conventions: a PRODUCER span {@code publish <topic>} whose context (trace
 * context and baggage) travels in the record headers, and a CONSUMER span {@code process <topic>}
 * per record, a child of the producer span, so one trace crosses the queue.
 */
public final class Messaging {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TextMapGetter<Headers> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          for (Header h : carrier) {
            keys.add(h.key());
          }
          return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
          if (carrier == null) {
            return null;
          }
          Header h = carrier.lastHeader(key);
          return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  private Messaging() {}

  /** A producer for one service. */
  public static final class Publisher implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final ServiceTelemetry telemetry;
    private final String bootstrap;

    public Publisher(String bootstrap, ServiceTelemetry telemetry) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.CLIENT_ID_CONFIG, telemetry.service());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      this.producer = new KafkaProducer<>(p);
      this.telemetry = telemetry;
      this.bootstrap = bootstrap;
    }

    /** Publishes and waits for the broker's acknowledgement. */
    public void publish(String topic, String key, Object event) throws Exception {
      Tracer tracer = telemetry.tracer();
      int colon = bootstrap.lastIndexOf(':');
      Span span =
          tracer
              .spanBuilder("publish " + topic)
              .setSpanKind(SpanKind.PRODUCER)
              .setAttribute("messaging.system", "kafka")
              .setAttribute("messaging.operation.type", "send")
              .setAttribute("messaging.operation.name", "publish")
              .setAttribute("messaging.destination.name", topic)
              .setAttribute("messaging.kafka.message.key", key)
              .setAttribute("peer.service", "queue")
              .setAttribute("server.address", bootstrap.substring(0, colon))
              .setAttribute("server.port", Long.parseLong(bootstrap.substring(colon + 1)))
              .startSpan();
      try (Scope ignored = span.makeCurrent()) {
        ProducerRecord<String, String> record =
            new ProducerRecord<>(topic, key, JSON.writeValueAsString(event));
        ServiceTelemetry.PROPAGATORS
            .getTextMapPropagator()
            .inject(
                Context.current(),
                record.headers(),
                (h, k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        RecordMetadata m = producer.send(record).get(5, TimeUnit.SECONDS);
        span.setAttribute("messaging.destination.partition.id", Integer.toString(m.partition()));
        span.setAttribute("messaging.kafka.offset", m.offset());
      } catch (Exception e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, e.toString());
        throw e;
      } finally {
        span.end();
      }
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(2));
    }
  }

  /** A consumer loop on its own thread, one consumer group per service. */
  public static final class Subscriber implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public Subscriber(
        String bootstrap, ServiceTelemetry telemetry, List<String> topics, Handler handler) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.GROUP_ID_CONFIG, telemetry.service());
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, telemetry.service());
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
      this.consumer = new KafkaConsumer<>(p);
      consumer.subscribe(topics);
      String group = telemetry.service();
      int colon = bootstrap.lastIndexOf(':');
      this.thread =
          Thread.ofPlatform()
              .name("consumer-" + group)
              .daemon()
              .start(
                  () -> {
                    while (running) {
                      try {
                        for (ConsumerRecord<String, String> r :
                            consumer.poll(Duration.ofMillis(200))) {
                          process(telemetry, group, bootstrap, colon, r, handler);
                        }
                      } catch (WakeupException e) {
                        break;
                      } catch (RuntimeException e) {
                        telemetry.log().error("consumer poll failed", e, "consumer_group", group);
                      }
                    }
                    consumer.close(Duration.ofSeconds(2));
                  });
    }

    private static void process(
        ServiceTelemetry telemetry,
        String group,
        String bootstrap,
        int colon,
        ConsumerRecord<String, String> r,
        Handler handler) {
      Context parent =
          ServiceTelemetry.PROPAGATORS
              .getTextMapPropagator()
              .extract(Context.root(), r.headers(), HEADERS);
      Span span =
          telemetry
              .tracer()
              .spanBuilder("process " + r.topic())
              .setParent(parent)
              .setSpanKind(SpanKind.CONSUMER)
              .setAttribute("messaging.system", "kafka")
              .setAttribute("messaging.operation.type", "process")
              .setAttribute("messaging.operation.name", "process")
              .setAttribute("messaging.destination.name", r.topic())
              .setAttribute("messaging.consumer.group.name", group)
              .setAttribute("messaging.destination.partition.id", Integer.toString(r.partition()))
              .setAttribute("messaging.kafka.offset", r.offset())
              .setAttribute("peer.service", "queue")
              .setAttribute("server.address", bootstrap.substring(0, colon))
              .setAttribute("server.port", Long.parseLong(bootstrap.substring(colon + 1)))
              .startSpan();
      try (Scope ignored = parent.with(span).makeCurrent()) {
        handler.handle(r.topic(), JSON.readTree(r.value()));
      } catch (Exception e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, e.toString());
        telemetry.log().error("event processing failed", e, "topic", r.topic());
      } finally {
        span.end();
      }
    }

    @Override
    public void close() {
      running = false;
      consumer.wakeup();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Handles one event, in the context of its process span. */
  @FunctionalInterface
  public interface Handler {
    void handle(String topic, JsonNode event) throws Exception;
  }
}
