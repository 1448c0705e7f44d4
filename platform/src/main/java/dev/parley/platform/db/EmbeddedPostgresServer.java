package dev.parley.platform.db;

import static java.util.Objects.requireNonNull;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries shipped in a Maven artifact (zonky), so that a fresh
 * machine needs nothing installed. Listens on loopback only; the superuser {@code postgres} owns
 * Parley's schemas.
 *
 * <p>Durable: a commit returns only once it is flushed to disk ({@code synchronous_commit=on},
 * {@code fsync=on}, {@code full_page_writes=on}; the embedded library's default turns synchronous
 * commit off, which loses the last acknowledged writes when PostgreSQL is killed). After a crash
 * the server may replay its write-ahead log before it accepts connections: start-up waits for that
 * up to {@link #STARTUP_WAIT}, and first stops whatever a killed Parley left running on the folder
 * ({@link LeftoverPostgres}).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  public static final String OWNER = "postgres";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  /** How long a start may take, crash recovery included. */
  static final Duration STARTUP_WAIT = Duration.ofMinutes(5);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts on a data folder that is kept across restarts (created on first start). */
  public static EmbeddedPostgresServer startPersistent(Path dataDirectory, int port) {
    requireNonNull(dataDirectory, "dataDirectory is null");
    try {
      Files.createDirectories(dataDirectory);
      LeftoverPostgres.clear(dataDirectory);
      LOG.atInfo()
          .addKeyValue("dataDirectory", dataDirectory)
          .addKeyValue("port", port)
          .addKeyValue("waitSeconds", STARTUP_WAIT.toSeconds())
          .log("Starting embedded PostgreSQL (after a crash it first replays its log)");
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
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setPGStartupWait(STARTUP_WAIT);
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
