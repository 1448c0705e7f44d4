package dev.parley.platform.testing;

import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, and a fresh database on it for every caller, so test
 * classes never see each other's rows. The server stops when the JVM exits.
 */
public final class TestingDatabase {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgresServer server;

  private TestingDatabase() {}

  private static synchronized EmbeddedPostgresServer server() {
    if (server == null) {
      server = EmbeddedPostgresServer.startTemporary();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
    return server;
  }

  /** A new, empty database; Parley's roles are shared by the whole server. */
  public static DatabaseConfig newDatabase() {
    EmbeddedPostgresServer server = server();
    String name = "parley_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection connection =
            DriverManager.getConnection(
                server.jdbcUrl("postgres"), EmbeddedPostgresServer.OWNER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create test database " + name, e);
    }
    return server.databaseConfig(name, "test-app-password", 4);
  }
}
