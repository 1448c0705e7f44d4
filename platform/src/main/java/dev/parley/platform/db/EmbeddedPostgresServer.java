package dev.parley.platform.db;

import static java.util.Objects.requireNonNull;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server run from the binaries shipped in a Maven artifact (zonky), so that a fresh
 * machine needs nothing installed. Listens on loopback only; the superuser {@code postgres} owns
 * Parley's schemas.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  public static final String OWNER = "postgres";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts on a data folder that is kept across restarts (created on first start). */
  public static EmbeddedPostgresServer startPersistent(Path dataDirectory, int port) {
    requireNonNull(dataDirectory, "dataDirectory is null");
    try {
      Files.createDirectories(dataDirectory);
      return new EmbeddedPostgresServer(
          builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setPort(port)
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /** Starts on a throw-away folder and a free port (tests). */
  public static EmbeddedPostgresServer startTemporary() {
    try {
      return new EmbeddedPostgresServer(builder().start());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
    }
  }

  private static EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200")
        .setServerConfig("fsync", "on");
  }

  public int port() {
    return postgres.getPort();
  }

  /** The JDBC URL of a database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** Configuration for Parley on the given database of this server. */
  public DatabaseConfig databaseConfig(String database, String appPassword, int poolSize) {
    return new DatabaseConfig(jdbcUrl(database), OWNER, "", "parley_app", appPassword, poolSize);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
