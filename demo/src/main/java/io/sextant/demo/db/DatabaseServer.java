package io.sextant.demo.db;

import io.sextant.demo.net.FaultProxy;
import io.sextant.demo.net.Ports;
import java.io.IOException;
import java.sql.SQLException;
import org.h2.tools.Server;

/**
 * One database: an H2 server speaking its TCP protocol on its own loopback port, holding one
 * in-memory database, behind a {@link FaultProxy}. Services reach it only through the proxy, with a
 * JDBC URL like {@code jdbc:h2:tcp://127.0.0.1:<proxy>/mem:orders}.
 */
public final class DatabaseServer implements AutoCloseable {
  private final String component;
  private final String database;
  private final Server h2;
  private final FaultProxy proxy;

  private DatabaseServer(String component, String database, Server h2, FaultProxy proxy) {
    this.component = component;
    this.database = database;
    this.h2 = h2;
    this.proxy = proxy;
  }

  /** Starts H2 on a free port and the proxy in front of it. */
  public static DatabaseServer start(String component, String database) {
    return Ports.bindRetrying(component, () -> startOnce(component, database));
  }

  private static DatabaseServer startOnce(String component, String database) {
    try {
      int port = Ports.free();
      Server h2 =
          Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
      FaultProxy proxy = new FaultProxy(component, h2.getPort()).start();
      return new DatabaseServer(component, database, h2, proxy);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot start database " + component + ": " + e, e);
    }
  }

  /** The component name, e.g. {@code orders-db}. */
  public String component() {
    return component;
  }

  public String database() {
    return database;
  }

  public String jdbcUrl() {
    return "jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/mem:" + database + ";DB_CLOSE_DELAY=-1";
  }

  /** A URL straight to H2, around the proxy: for loading data and for tests that count rows. */
  public String directJdbcUrl() {
    return "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:" + database + ";DB_CLOSE_DELAY=-1";
  }

  public FaultProxy proxy() {
    return proxy;
  }

  @Override
  public void close() {
    proxy.close();
    h2.stop();
  }
}
