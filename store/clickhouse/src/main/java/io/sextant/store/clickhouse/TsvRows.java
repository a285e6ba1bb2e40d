package io.sextant.store.clickhouse;

import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;

/**
 * An answer in {@code TabSeparatedWithNamesAndTypes}, parsed by its column types into Java values
 * (Long for integers, Double for floats with nan and inf, String, List for arrays, null for {@code
 * \N}), and offered as the few {@link ResultSet} methods the query engine reads.
 */
final class TsvRows {
  final List<String> types = new ArrayList<>();
  final List<Object[]> rows = new ArrayList<>();

  static TsvRows parse(String text) throws SQLException {
    TsvRows out = new TsvRows();
    String[] lines = text.split("\n", -1);
    if (lines.length < 2) {
      throw new SQLException("ClickHouse answered without a header: " + text);
    }
    for (String t : lines[1].split("\t", -1)) {
      out.types.add(t);
    }
    for (int i = 2; i < lines.length; i++) {
      if (lines[i].isEmpty() && i == lines.length - 1) {
        break;
      }
      String[] fields = lines[i].split("\t", -1);
      if (fields.length != out.types.size()) {
        throw new SQLException("a row of " + fields.length + " fields, not " + out.types.size());
      }
      Object[] row = new Object[fields.length];
      for (int c = 0; c < fields.length; c++) {
        String type = out.types.get(c);
        String raw = fields[c];
        row[c] =
            raw.equals("\\N") ? null : value(type, type.contains("Array(") ? raw : unescape(raw));
      }
      out.rows.add(row);
    }
    return out;
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        b.append(c);
        continue;
      }
      char n = s.charAt(++i);
      b.append(
          switch (n) {
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case '0' -> '\0';
            default -> n;
          });
    }
    return b.toString();
  }

  private static String inner(String type, String wrapper) {
    return type.substring(wrapper.length() + 1, type.length() - 1);
  }

  static Object value(String type, String text) throws SQLException {
    if (type.startsWith("Nullable(")) {
      return value(inner(type, "Nullable"), text);
    }
    if (type.startsWith("LowCardinality(")) {
      return value(inner(type, "LowCardinality"), text);
    }
    if (type.startsWith("Array(")) {
      return array(inner(type, "Array"), text);
    }
    try {
      if (type.startsWith("Int") || type.startsWith("UInt")) {
        return type.equals("UInt64") ? Long.parseUnsignedLong(text) : Long.parseLong(text);
      }
      if (type.startsWith("Float")) {
        return switch (text) {
          case "nan", "-nan" -> Double.NaN;
          case "inf", "+inf" -> Double.POSITIVE_INFINITY;
          case "-inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(text);
        };
      }
    } catch (NumberFormatException e) {
      throw new SQLException("not a " + type + ": " + text, e);
    }
    if (type.equals("Nothing")) {
      return null;
    }
    return text;
  }

  /** {@code [a,b]} with quoted strings ({@code 'x\'y'}) or bare numbers and NULL. */
  private static List<Object> array(String element, String text) throws SQLException {
    List<Object> out = new ArrayList<>();
    if (text.length() < 2 || text.charAt(0) != '[') {
      throw new SQLException("not an array: " + text);
    }
    int i = 1;
    StringBuilder b = new StringBuilder();
    while (i < text.length() - 1) {
      b.setLength(0);
      boolean quoted = text.charAt(i) == '\'';
      if (quoted) {
        i++;
        while (text.charAt(i) != '\'') {
          char c = text.charAt(i++);
          if (c == '\\') {
            b.append('\\').append(text.charAt(i++));
          } else {
            b.append(c);
          }
        }
        i++;
        out.add(value(element, unescape(b.toString())));
      } else {
        while (text.charAt(i) != ',' && text.charAt(i) != ']') {
          b.append(text.charAt(i++));
        }
        String v = b.toString();
        out.add(v.equals("NULL") ? null : value(element, v));
      }
      if (text.charAt(i) == ',') {
        i++;
      }
    }
    return out;
  }

  /** The rows as a forward-only result set of the getters the engine uses. */
  ResultSet resultSet() {
    int[] at = {-1};
    boolean[] wasNull = {false};
    return (ResultSet)
        Proxy.newProxyInstance(
            ResultSet.class.getClassLoader(),
            new Class<?>[] {ResultSet.class},
            (proxy, method, args) -> {
              String m = method.getName();
              switch (m) {
                case "next":
                  return ++at[0] < rows.size();
                case "wasNull":
                  return wasNull[0];
                case "close":
                  return null;
                case "isClosed":
                  return false;
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                case "toString":
                  return "TsvRows" + types;
                default:
                  break;
              }
              if (args == null || args.length != 1 || !(args[0] instanceof Integer col)) {
                throw new SQLFeatureNotSupportedException(m);
              }
              if (at[0] < 0 || at[0] >= rows.size()) {
                throw new SQLException("no current row");
              }
              Object v = rows.get(at[0])[col - 1];
              wasNull[0] = v == null;
              return switch (m) {
                case "getObject" -> v;
                case "getString" -> v == null ? null : v.toString();
                case "getLong" -> v == null ? 0L : ((Number) v).longValue();
                case "getInt" -> v == null ? 0 : ((Number) v).intValue();
                case "getDouble" -> v == null ? 0.0 : ((Number) v).doubleValue();
                case "getBoolean" ->
                    v != null && (v instanceof Number n ? n.longValue() != 0 : "true".equals(v));
                default -> throw new SQLFeatureNotSupportedException(m);
              };
            });
  }
}
