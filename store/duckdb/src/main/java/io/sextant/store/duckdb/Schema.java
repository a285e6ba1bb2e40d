package io.sextant.store.duckdb;

import io.sextant.model.TraceId;
import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.SqlAccess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one wide {@code events} table (docs/adr/0004-duckdb-schema.md). Core fields are typed
 * columns; frequent attribute keys are promoted to typed columns named by their key (filters on
 * them measured 18–40× faster than on a MAP here); every other span or log attribute goes into one
 * JSON object per row (a MAP column cut ingest 2–3×, measured); span events and links are kept
 * whole as JSON text; a resource or scope is stored once in its own table and rows refer to it by a
 * hash of its JSON (per-row JSON halved insert speed, measured).
 */
final class Schema {
  static final String TABLE = "events";

  enum Type {
    STRING("VARCHAR"),
    LONG("BIGINT");

    final String sql;

    Type(String sql) {
      this.sql = sql;
    }
  }

  /**
   * An attribute key with its own column. {@code fromResource} columns are copies of a resource
   * attribute (the resource JSON stays authoritative); the others are span or log attributes moved
   * out of the maps, and only when the value has the column's type, so the round trip is exact.
   */
  record Promoted(String key, Type type, boolean fromResource, boolean learned) {
    /** One of the fixed list. */
    Promoted(String key, Type type, boolean fromResource) {
      this(key, type, fromResource, false);
    }

    String column() {
      return quote(key);
    }
  }

  static final List<Promoted> PROMOTED =
      List.of(
          new Promoted("service.version", Type.STRING, true),
          new Promoted("host.name", Type.STRING, true),
          new Promoted("deployment.environment.name", Type.STRING, true),
          new Promoted("http.request.method", Type.STRING, false),
          new Promoted("http.route", Type.STRING, false),
          new Promoted("http.response.status_code", Type.LONG, false),
          new Promoted("url.path", Type.STRING, false),
          new Promoted("server.address", Type.STRING, false),
          new Promoted("server.port", Type.LONG, false),
          new Promoted("peer.service", Type.STRING, false),
          new Promoted("db.system", Type.STRING, false),
          new Promoted("db.namespace", Type.STRING, false),
          new Promoted("messaging.system", Type.STRING, false),
          new Promoted("messaging.destination.name", Type.STRING, false),
          new Promoted("error.type", Type.STRING, false),
          new Promoted("user_id", Type.STRING, false),
          new Promoted("account_id", Type.STRING, false),
          new Promoted("session_id", Type.STRING, false),
          new Promoted("request_type", Type.STRING, false),
          new Promoted("tenant", Type.STRING, false));

  /** Core columns in table order; then the promoted ones, then the maps and JSON columns. */
  static final String CORE =
      """
      time BIGINT NOT NULL,
      kind VARCHAR NOT NULL,
      trace_id VARCHAR,
      span_id VARCHAR,
      parent_span_id VARCHAR,
      "service.name" VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      "span.kind" VARCHAR,
      duration BIGINT,
      status VARCHAR,
      status_message VARCHAR,
      severity_number INTEGER,
      severity_text VARCHAR,
      body VARCHAR,
      error BOOLEAN NOT NULL,
      trace_state VARCHAR,
      flags INTEGER""";

  /** The names of the {@link #CORE} columns, in table order, unquoted. */
  static final List<String> CORE_NAMES =
      Arrays.stream(CORE.split(",\n")).map(c -> c.strip().split(" ")[0].replace("\"", "")).toList();

  /**
   * The columns after the promoted ones, as the batch function yields them, in order: the staged
   * batch's last six columns.
   */
  static final List<String> TAIL_NAMES =
      List.of("attributes", "resource_id", "scope_id", "span_events", "links", "sextant_tenant");

  static final String TAIL =
      """
      attributes VARCHAR USING COMPRESSION zstd,
      resource_id BIGINT NOT NULL,
      scope_id BIGINT NOT NULL,
      span_events VARCHAR,
      links VARCHAR,
      sextant_tenant VARCHAR DEFAULT 'default'""";

  /**
   * The column of each event's tenant (Sextant's, not the {@code tenant} attribute some systems
   * record). Last in the table, so files made before tenants gain it with {@link #ADD_TENANT}.
   */
  static final String TENANT = "sextant_tenant";

  static final String ADD_TENANT =
      "ALTER TABLE events ADD COLUMN IF NOT EXISTS sextant_tenant VARCHAR DEFAULT 'default'";

  static final String CREATE_RESOURCES =
      "CREATE TABLE IF NOT EXISTS resources (id BIGINT PRIMARY KEY, resource VARCHAR NOT NULL)";
  static final String CREATE_SCOPES =
      "CREATE TABLE IF NOT EXISTS scopes (id BIGINT PRIMARY KEY, scope VARCHAR NOT NULL)";

  /**
   * Every attribute key seen, with where and as which type: written with each batch that brings a
   * new one, so the query engine knows every key exactly without scanning the JSON.
   */
  static final String CREATE_KEYS =
      "CREATE TABLE IF NOT EXISTS tenant_keys (tenant VARCHAR NOT NULL, key VARCHAR NOT NULL,"
          + " origin VARCHAR NOT NULL, type VARCHAR NOT NULL, PRIMARY KEY (tenant, key, origin,"
          + " type))";

  /** Files made before tenants kept their keys in {@code attribute_keys}: the default tenant's. */
  static final String MIGRATE_KEYS =
      "INSERT INTO tenant_keys SELECT 'default', key, origin, type FROM attribute_keys"
          + " ON CONFLICT DO NOTHING";

  /**
   * The fields that have a column, by the name the query engine uses, for {@code SqlLayout}: the
   * core fields, then {@code promoted} (the fixed list and the learned columns).
   */
  static Map<String, SqlAccess.SqlColumn> queryColumns(List<Promoted> promoted) {
    var out = new LinkedHashMap<String, SqlAccess.SqlColumn>();
    FieldType str = FieldType.STRING;
    FieldType num = FieldType.NUMBER;
    String[][] core = {
      {"time", "TIMESTAMP"},
      {"kind", "STRING"},
      {"trace_id", "STRING"},
      {"span_id", "STRING"},
      {"parent_span_id", "STRING"},
      {"service.name", "STRING"},
      {"name", "STRING"},
      {"span.kind", "STRING"},
      {"duration", "NUMBER"},
      {"status", "STRING"},
      {"status_message", "STRING"},
      {"severity_number", "NUMBER"},
      {"severity_text", "STRING"},
      {"body", "STRING"},
      {"error", "BOOL"}
    };
    for (String[] c : core) {
      out.put(c[0], new SqlAccess.SqlColumn("e." + quote(c[0]), FieldType.valueOf(c[1])));
    }
    for (Promoted p : promoted) {
      out.put(
          p.key(),
          new SqlAccess.SqlColumn(
              "e." + p.column(), p.type() == Type.LONG ? num : str, !p.learned()));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Where each trace's events lie in time: one row per trace per batch, keyed by a 64-bit mix of
   * the trace id. Reading a trace looks up its time window here (a scan of about one row per dozen
   * events, of integers) and then reads only that slice of the events, which zonemaps on {@code
   * time} can prune since events arrive roughly in time order. Written before the events, so a
   * crash in between leaves a harmless window, never an event that cannot be found.
   */
  static final String CREATE_TRACE_INDEX =
      "CREATE TABLE IF NOT EXISTS trace_index (key BIGINT NOT NULL, first BIGINT NOT NULL,"
          + " last BIGINT NOT NULL)";

  /**
   * How far the embedded server's segment log is stored: one row, updated in the transaction of
   * each load, so a restart replays only what comes after (docs/adr/0021-segment-log.md).
   */
  static final String CREATE_JOURNAL =
      "CREATE TABLE IF NOT EXISTS journal (position BIGINT NOT NULL)";

  static final String INIT_JOURNAL =
      "INSERT INTO journal SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM journal)";

  /**
   * The moves of old events into the Parquet archive (docs/adr/0020-parquet-archive.md): each
   * move's id is written in the transaction that deletes the events it archived, so after a crash
   * its files are kept if and only if the delete happened.
   */
  static final String CREATE_ARCHIVE_MOVES =
      "CREATE TABLE IF NOT EXISTS archive_moves (id BIGINT NOT NULL)";

  /** The key of a trace in {@code trace_index}. */
  static long traceKey(TraceId id) {
    return id.high() ^ (id.low() * 0x9E3779B97F4A7C15L);
  }

  /** Events with their resource and scope text, for reads. */
  static final String EVENTS_JOINED =
      "events JOIN resources ON resources.id = events.resource_id"
          + " JOIN scopes ON scopes.id = events.scope_id";

  /** A stable 64-bit id for a resource's or scope's JSON text (first 8 bytes of its SHA-256). */
  static long idOf(String json) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Creates the tables that are missing; a database made before tenants gets the tenant column, and
   * its attribute keys move into {@code tenant_keys} as the default tenant's.
   */
  static void create(Statement s) throws SQLException {
    s.execute(createTable());
    s.execute(ADD_TENANT);
    s.execute(CREATE_RESOURCES);
    s.execute(CREATE_SCOPES);
    s.execute(CREATE_KEYS);
    s.execute(CREATE_TRACE_INDEX);
    s.execute(CREATE_JOURNAL);
    s.execute(INIT_JOURNAL);
    s.execute(CREATE_ARCHIVE_MOVES);
    if (hasTable(s, "attribute_keys")) {
      s.execute(MIGRATE_KEYS);
      s.execute("DROP TABLE attribute_keys");
    }
  }

  /** The columns learned before: every column of the table the fixed layout does not have. */
  static List<Promoted> learnedColumns(Statement s) throws SQLException {
    Set<String> fixed = new HashSet<>(CORE_NAMES);
    fixed.addAll(TAIL_NAMES);
    PROMOTED.forEach(p -> fixed.add(p.key()));
    List<Promoted> out = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_name = 'events' ORDER BY ordinal_position")) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (!fixed.contains(name)) {
          Type type = "BIGINT".equals(rs.getString(2)) ? Type.LONG : Type.STRING;
          out.add(new Promoted(name, type, false, true));
        }
      }
    }
    return out;
  }

  private static boolean hasTable(Statement s, String table) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = '" + table + "'")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  /** The condition on the tenant column for reads of {@code tenant} (none when it is null). */
  static String tenantCondition(String tenant) {
    return tenant == null ? "" : " AND " + TENANT + " = ?";
  }

  static String createTable() {
    StringBuilder sql =
        new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(TABLE).append(" (\n");
    sql.append(CORE).append(",\n");
    for (Promoted p : PROMOTED) {
      sql.append(p.column()).append(' ').append(p.type().sql).append(",\n");
    }
    return sql.append(TAIL).append("\n)").toString();
  }

  /**
   * The INSERT that moves one staged batch from the table function into the table, naming the
   * columns: learned columns come last in the table but among the promoted ones in a batch.
   */
  static String insertFromBatch(String function, List<Promoted> promoted) {
    List<String> columns = new ArrayList<>();
    CORE_NAMES.forEach(c -> columns.add(quote(c)));
    promoted.forEach(p -> columns.add(p.column()));
    TAIL_NAMES.forEach(c -> columns.add(quote(c)));
    return "INSERT INTO "
        + TABLE
        + " ("
        + String.join(", ", columns)
        + ") SELECT * FROM "
        + function
        + "()";
  }

  /** Adds a learned column to the table. */
  static String addColumn(Promoted p) {
    return "ALTER TABLE " + TABLE + " ADD COLUMN " + p.column() + " " + p.type().sql;
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private Schema() {}
}
