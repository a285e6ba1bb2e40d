package io.sextant.store.clickhouse;

import io.sextant.store.spi.FieldType;
import io.sextant.store.spi.SqlAccess.SqlColumn;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The columns of sql/01-events.sql, as the store writes and the query engine reads them. */
final class Columns {
  private Columns() {}

  /** An attribute key with a typed column; {@code fromResource} columns copy a resource value. */
  record Promoted(String key, boolean isLong, boolean fromResource) {
    String column() {
      return key.replace('.', '_');
    }
  }

  static final List<Promoted> PROMOTED =
      List.of(
          new Promoted("service.version", false, true),
          new Promoted("host.name", false, true),
          new Promoted("deployment.environment.name", false, true),
          new Promoted("http.request.method", false, false),
          new Promoted("http.route", false, false),
          new Promoted("http.response.status_code", true, false),
          new Promoted("url.path", false, false),
          new Promoted("server.address", false, false),
          new Promoted("server.port", true, false),
          new Promoted("peer.service", false, false),
          new Promoted("db.system", false, false),
          new Promoted("db.namespace", false, false),
          new Promoted("messaging.system", false, false),
          new Promoted("messaging.destination.name", false, false),
          new Promoted("error.type", false, false),
          new Promoted("user_id", false, false),
          new Promoted("account_id", false, false),
          new Promoted("session_id", false, false),
          new Promoted("request_type", false, false),
          new Promoted("tenant", false, false));

  /**
   * The column of each event's tenant: Sextant's, not the {@code tenant} attribute some systems
   * record (promoted to the column {@code tenant} above). Last in the table, so that tables made
   * before tenants gain it with {@link #ADD_TENANT}.
   */
  static final String TENANT = "sextant_tenant";

  /**
   * Adds {@link #TENANT} to a table made before tenants (18.16 has no ADD COLUMN IF NOT EXISTS).
   */
  static final String ADD_TENANT = "ADD COLUMN " + TENANT + " String DEFAULT 'default'";

  /** Every column in insert order (the event key second, the tenant last). */
  static final String INSERT;

  static {
    StringBuilder b =
        new StringBuilder(
            "time, event_key, kind, trace_id, span_id, parent_span_id, service_name, name,"
                + " span_kind, duration, status, status_message, severity_number, severity_text,"
                + " body, error, trace_state, flags");
    for (Promoted p : PROMOTED) {
      b.append(", ").append(p.column());
    }
    b.append(
            ", attr_keys, attr_types, attr_strs, attr_nums, res_keys, res_types, res_strs, res_nums,"
                + " scope, span_events, links, ")
        .append(TENANT);
    INSERT = b.toString();
  }

  /** The fields with a column, by the query engine's name. */
  static Map<String, SqlColumn> queryColumns() {
    Map<String, SqlColumn> out = new LinkedHashMap<>();
    String[][] core = {
      {"time", "time", "TIMESTAMP"},
      {"kind", "kind", "STRING"},
      {"trace_id", "trace_id", "STRING"},
      {"span_id", "span_id", "STRING"},
      {"parent_span_id", "parent_span_id", "STRING"},
      {"service.name", "service_name", "STRING"},
      {"name", "name", "STRING"},
      {"span.kind", "span_kind", "STRING"},
      {"duration", "duration", "NUMBER"},
      {"status", "status", "STRING"},
      {"status_message", "status_message", "STRING"},
      {"severity_number", "severity_number", "NUMBER"},
      {"severity_text", "severity_text", "STRING"},
      {"body", "body", "STRING"},
      {"error", "error", "BOOL"}
    };
    for (String[] c : core) {
      out.put(c[0], new SqlColumn("e." + c[1], FieldType.valueOf(c[2])));
    }
    for (Promoted p : PROMOTED) {
      out.put(
          p.key(),
          new SqlColumn("e." + p.column(), p.isLong() ? FieldType.NUMBER : FieldType.STRING));
    }
    return Collections.unmodifiableMap(out);
  }
}
