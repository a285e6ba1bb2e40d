package io.sextant.client;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections, when borrowed by a tracer bullet ({@link
 * TracerBullet#active()}), never make a lasting change: they run in a transaction that is always
 * rolled back ({@code commit()} rolls back), and DDL, which commits implicitly in most databases,
 * is skipped. Reads and writes still reach the database, so a tracer bullet's trace shows the same
 * statements, locks and failures as a real request. The span current at each guarded statement is
 * marked ({@link TracerBullet#GUARDED}); wrap this data source with the JDBC instrumentation so
 * that span is the statement's own client span.
 *
 * <p>Connections borrowed by ordinary requests are the delegate's, untouched.
 */
public final class TracerBulletDataSource implements DataSource {
  private static final Set<String> DDL = Set.of("CREATE", "DROP", "ALTER", "TRUNCATE", "RENAME");
  private static final Set<String> WRITES =
      Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE");

  private final DataSource delegate;

  private TracerBulletDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  public static DataSource wrap(DataSource delegate) {
    return new TracerBulletDataSource(delegate);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return guard(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return guard(delegate.getConnection(username, password));
  }

  private static Connection guard(Connection c) throws SQLException {
    if (!TracerBullet.active()) {
      return c;
    }
    boolean autoCommit = c.getAutoCommit();
    if (autoCommit) {
      c.setAutoCommit(false);
    }
    return (Connection)
        Proxy.newProxyInstance(
            TracerBulletDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new GuardedConnection(c, autoCommit));
  }

  /** The first SQL keyword of {@code sql}, upper-case, skipping comments and parentheses. */
  static String verb(String sql) {
    if (sql == null) {
      return "";
    }
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char ch = sql.charAt(i);
      if (Character.isWhitespace(ch) || ch == '(') {
        i++;
      } else if (sql.startsWith("--", i)) {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return sql.substring(start, i).toUpperCase(Locale.ROOT);
  }

  static boolean isDdl(String sql) {
    return DDL.contains(verb(sql));
  }

  static boolean isWrite(String sql) {
    String v = verb(sql);
    return WRITES.contains(v) || DDL.contains(v);
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static final class GuardedConnection implements InvocationHandler {
    private final Connection c;
    private final boolean autoCommitWas;

    GuardedConnection(Connection c, boolean autoCommitWas) {
      this.c = c;
      this.autoCommitWas = autoCommitWas;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      switch (m.getName()) {
        case "commit" -> {
          c.rollback();
          TracerBullet.mark(TracerBullet.ROLLED_BACK);
          return null;
        }
        case "setAutoCommit" -> {
          // Autocommit would make each write final; the guard keeps its own transaction open.
          return null;
        }
        case "getAutoCommit" -> {
          return false;
        }
        case "close" -> {
          try {
            if (!c.isClosed()) {
              c.rollback();
              if (autoCommitWas) {
                c.setAutoCommit(true);
              }
            }
          } finally {
            c.close();
          }
          return null;
        }
        case "unwrap" -> {
          return ((Class<?>) args[0]).isInstance(proxy) ? proxy : c.unwrap((Class<?>) args[0]);
        }
        case "isWrapperFor" -> {
          return ((Class<?>) args[0]).isInstance(proxy) || c.isWrapperFor((Class<?>) args[0]);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {}
      }
      Object result = TracerBulletDataSource.invoke(c, m, args);
      if (result instanceof Statement s) {
        String sql = args != null && args.length > 0 && args[0] instanceof String q ? q : null;
        Class<?> type =
            s instanceof CallableStatement
                ? CallableStatement.class
                : s instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
        return Proxy.newProxyInstance(
            TracerBulletDataSource.class.getClassLoader(),
            new Class<?>[] {type},
            new GuardedStatement(s, sql, (Connection) proxy));
      }
      return result;
    }
  }

  private static final class GuardedStatement implements InvocationHandler {
    private final Statement s;
    private final String preparedSql;
    private final Connection connection;

    GuardedStatement(Statement s, String preparedSql, Connection connection) {
      this.s = s;
      this.preparedSql = preparedSql;
      this.connection = connection;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      String name = m.getName();
      if (name.equals("getConnection")) {
        return connection;
      }
      if (name.startsWith("execute")) {
        String sql =
            args != null && args.length > 0 && args[0] instanceof String q ? q : preparedSql;
        if (isDdl(sql)) {
          TracerBullet.mark(TracerBullet.SKIPPED);
          return skipped(m.getReturnType());
        }
        if (isWrite(sql)) {
          TracerBullet.mark(TracerBullet.ROLLED_BACK);
        }
      }
      return TracerBulletDataSource.invoke(s, m, args);
    }

    private static Object skipped(Class<?> returnType) throws SQLException {
      if (returnType == int.class) {
        return 0;
      }
      if (returnType == long.class) {
        return 0L;
      }
      if (returnType == boolean.class) {
        return false;
      }
      if (returnType == int[].class) {
        return new int[0];
      }
      if (returnType == long[].class) {
        return new long[0];
      }
      throw new SQLFeatureNotSupportedException(
          "a tracer bullet cannot run DDL that returns a result set");
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }
}
