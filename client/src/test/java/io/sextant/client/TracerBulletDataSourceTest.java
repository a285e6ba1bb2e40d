package io.sextant.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracerBulletDataSourceTest {
  private static final AtomicInteger DB = new AtomicInteger();
  DataSource raw;
  DataSource guarded;

  @BeforeEach
  void setUp() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:tb" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    raw = h2;
    guarded = TracerBulletDataSource.wrap(h2);
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders(id INT PRIMARY KEY, total INT)");
      s.execute("INSERT INTO orders VALUES (1, 100)");
    }
  }

  @Test
  void standardRequest_writesAreCommitted() throws Exception {
    try (Connection c = guarded.getConnection();
        PreparedStatement p = c.prepareStatement("INSERT INTO orders VALUES (?, ?)")) {
      p.setInt(1, 2);
      p.setInt(2, 200);
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
    assertThat(count()).isEqualTo(2);
  }

  @Test
  void tracerBullet_writesRunButAreRolledBack_evenOnCommit() throws Exception {
    try (Scope ignored =
        RequestContext.of("u-1", "a-1").withRequestType(RequestType.TRACE).makeCurrent()) {
      try (Connection c = guarded.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO orders VALUES (?, ?)")) {
          p.setInt(1, 2);
          p.setInt(2, 200);
          assertThat(p.executeUpdate()).isEqualTo(1);
        }
        try (Statement s = c.createStatement()) {
          assertThat(s.executeUpdate("UPDATE orders SET total = 0")).isEqualTo(2);
          // The tracer bullet sees its own writes, like a real request would.
          try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
          }
          assertThat(s.executeUpdate("DROP TABLE orders")).isZero();
        }
        c.commit();
      }
    }
    assertThat(count()).isEqualTo(1);
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT total FROM orders WHERE id = 1")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(100);
      assertThat(c.getAutoCommit()).isTrue();
    }
  }

  @Test
  void tracerBullet_marksTheCurrentSpan() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (SdkTracerProvider tp =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()) {
      Span span = tp.get("test").spanBuilder("INSERT orders").startSpan();
      try (Scope a =
              RequestContext.of("u-1", "a-1").withRequestType(RequestType.TRACE).makeCurrent();
          Scope b = span.makeCurrent();
          Connection c = guarded.getConnection();
          Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO orders VALUES (3, 300)");
      } finally {
        span.end();
      }
      var attrs = spans.getFinishedSpanItems().get(0).getAttributes();
      assertThat(attrs.get(TracerBullet.GUARDED)).isTrue();
      assertThat(attrs.get(AttributeKey.stringKey("sextant.tracer_bullet.action")))
          .isEqualTo("rolled_back");
    }
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void verb_skipsCommentsAndParentheses() {
    assertThat(TracerBulletDataSource.verb("/* x */ -- y\n (insert into t values (1))"))
        .isEqualTo("INSERT");
    assertThat(TracerBulletDataSource.isWrite("select * from t")).isFalse();
    assertThat(TracerBulletDataSource.isDdl("create table t(x int)")).isTrue();
  }

  @Test
  void unlessActive_skipsSideEffectsOfTracerBulletsOnly() {
    AtomicInteger sent = new AtomicInteger();
    TracerBullet.unlessActive(sent::incrementAndGet);
    try (Scope ignored =
        RequestContext.of("u-1", "a-1").withRequestType(RequestType.TRACE).makeCurrent()) {
      assertThat(TracerBullet.unlessActive(sent::incrementAndGet, -1)).isEqualTo(-1);
    }
    assertThat(sent).hasValue(1);
  }

  private int count() throws Exception {
    try (Connection c = raw.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
