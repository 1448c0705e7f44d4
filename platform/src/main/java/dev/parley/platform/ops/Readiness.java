package dev.parley.platform.ops;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Whether this process takes traffic now ({@code /readyz}), from the state of each part it runs (a
 * service, the gateway) and of the databases they need. A part is ready only once it serves, and
 * not while it migrates, starts or drains; a database counts as reachable when a connection from
 * its pool answers, checked every {@link #CHECK_EVERY_SECONDS} seconds in the background (so a
 * probe never waits on a database that does not answer).
 */
public final class Readiness implements AutoCloseable {
  /** The phases of a part; only {@code SERVING} is ready. */
  public enum State {
    MIGRATING,
    STARTING,
    SERVING,
    DRAINING
  }

  static final int CHECK_EVERY_SECONDS = 1;

  private final Map<String, State> parts = new ConcurrentHashMap<>();
  private final Map<String, Boolean> databases = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> watches = new ConcurrentHashMap<>();
  private final ScheduledExecutorService checks =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "readiness-checks");
            thread.setDaemon(true);
            return thread;
          });

  /** Records the state of a part (its name, e.g. {@code conversation-service}). */
  public void set(String part, State state) {
    parts.put(requireNonNull(part, "part is null"), requireNonNull(state, "state is null"));
  }

  /** Checks the part's database in the background until {@link #unwatchDatabase}. */
  public void watchDatabase(String part, DataSource dataSource) {
    requireNonNull(dataSource, "dataSource is null");
    databases.put(part, reachable(dataSource));
    ScheduledFuture<?> previous =
        watches.put(
            part,
            checks.scheduleWithFixedDelay(
                () -> databases.computeIfPresent(part, (name, up) -> reachable(dataSource)),
                CHECK_EVERY_SECONDS,
                CHECK_EVERY_SECONDS,
                TimeUnit.SECONDS));
    if (previous != null) {
      previous.cancel(false);
    }
  }

  /** Stops checking the part's database (its pool is closing). */
  public void unwatchDatabase(String part) {
    ScheduledFuture<?> watch = watches.remove(part);
    if (watch != null) {
      watch.cancel(false);
    }
    databases.remove(part);
  }

  /** The part never started (it failed before serving): it no longer counts. */
  public void forget(String part) {
    unwatchDatabase(part);
    parts.remove(part);
  }

  /** Empty when ready; otherwise why not, e.g. {@code conversation-service: migrating}. */
  public Optional<String> notReadyBecause() {
    if (parts.isEmpty()) {
      return Optional.of("starting");
    }
    for (Map.Entry<String, State> part : parts.entrySet()) {
      if (part.getValue() != State.SERVING) {
        return Optional.of(part.getKey() + ": " + part.getValue().name().toLowerCase(Locale.ROOT));
      }
    }
    for (Map.Entry<String, Boolean> database : databases.entrySet()) {
      if (!database.getValue()) {
        return Optional.of(database.getKey() + ": database unreachable");
      }
    }
    return Optional.empty();
  }

  private static boolean reachable(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    checks.shutdownNow();
  }
}
