package dev.parley.platform.events;

import static java.util.Objects.requireNonNull;

import dev.parley.event.v1.Event;
import dev.parley.event.v1.EventRecord;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.proto.ProtoTime;
import dev.parley.platform.runtime.Background;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a service's event outbox as a resumable stream. Each stream runs on its own virtual
 * thread: it reads batches through the schema's {@code events_after} function (commit-safe order,
 * see the migration), sends them, and when it has caught up waits for the outbox's NOTIFY channel
 * (one LISTEN connection per service) or, should that connection be down, polls every second.
 */
public final class OutboxStream implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxStream.class);
  private static final int BATCH = 500;
  private static final long POLL_MILLIS = 1000;

  private final DataSource dataSource;
  private final DatabaseConfig database;
  private final String function;
  private final String channel;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition committed = lock.newCondition();
  private Thread listener;
  private volatile boolean closed;

  /** Counts notifications, so that a stream never sleeps through one that came as it read. */
  private long generation;

  /**
   * The outbox of {@code schema} (platform's migration): read through its {@code
   * events_after(bigint, bigint, integer)} function, woken by its {@code parley_<schema>_events}
   * channel.
   */
  public OutboxStream(DataSource dataSource, DatabaseConfig database, String schema) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.database = requireNonNull(database, "database is null");
    requireNonNull(schema, "schema is null");
    this.function = schema + ".events_after";
    this.channel = "parley_" + schema + "_events";
  }

  /** Starts listening for the outbox's notifications. */
  @Override
  public void start() {
    listener = Thread.ofVirtual().name("outbox-listener-" + channel).start(this::listen);
  }

  /** Streams the events after the cursor until the caller cancels or the service stops. */
  public void serve(String afterCursor, StreamObserver<EventRecord> response) {
    long[] after = decode(afterCursor);
    ServerCallStreamObserver<EventRecord> call = (ServerCallStreamObserver<EventRecord>) response;
    Thread.ofVirtual()
        .name("outbox-stream-" + channel)
        .start(
            () -> {
              try {
                long transaction = after[0];
                long position = after[1];
                while (!call.isCancelled() && !closed) {
                  long seen = generation();
                  int sent = 0;
                  try (Connection connection = dataSource.getConnection();
                      PreparedStatement query =
                          connection.prepareStatement("SELECT * FROM " + function + "(?, ?, ?)")) {
                    query.setLong(1, transaction);
                    query.setLong(2, position);
                    query.setInt(3, BATCH);
                    try (ResultSet rows = query.executeQuery()) {
                      while (rows.next()) {
                        transaction = rows.getLong("transaction_id");
                        position = rows.getLong("position");
                        awaitReady(call);
                        call.onNext(record(rows, transaction, position));
                        sent++;
                      }
                    }
                  }
                  if (sent == BATCH) {
                    continue;
                  }
                  awaitCommit(seen);
                }
                if (!call.isCancelled()) {
                  call.onCompleted();
                }
              } catch (RuntimeException | SQLException e) {
                if (!call.isCancelled()) {
                  LOG.atWarn().setCause(e).log("Event stream ended by an error");
                  call.onError(
                      Status.UNAVAILABLE
                          .withDescription("Event stream interrupted; resume from the last cursor")
                          .asRuntimeException());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  /** Flow control: a slow consumer makes the stream wait, not the server buffer the backlog. */
  private void awaitReady(ServerCallStreamObserver<EventRecord> call) throws InterruptedException {
    while (!call.isReady() && !call.isCancelled() && !closed) {
      Thread.sleep(5);
    }
  }

  @Override
  public void stop() {
    closed = true;
    if (listener != null) {
      listener.interrupt();
    }
    signal();
  }

  private EventRecord record(ResultSet rows, long transaction, long position) throws SQLException {
    OffsetDateTime created = rows.getObject("created_at", OffsetDateTime.class);
    Event.Builder event =
        Event.newBuilder()
            .setId(rows.getString("id"))
            .setTenantId(rows.getString("tenant_id"))
            .setType(rows.getString("type"))
            .setTime(ProtoTime.timestamp(created.toInstant()));
    EventPayloads.read(event, rows.getString("type"), rows.getString("data_json"));
    String subject = rows.getString("subject_id");
    if (subject != null) {
      event.setSubjectId(subject);
    }
    String traceParent = rows.getString("trace_parent");
    if (traceParent != null) {
      event.setTraceParent(traceParent);
    }
    return EventRecord.newBuilder()
        .setCursor(encode(transaction, position))
        .setEvent(event)
        .build();
  }

  private long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a notification after {@code seen}, at most a poll interval. */
  private void awaitCommit(long seen) throws InterruptedException {
    lock.lock();
    try {
      if (generation == seen) {
        committed.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      generation++;
      committed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** LISTENs on its own connection, reconnecting after a failure (a PostgreSQL restart). */
  private void listen() {
    while (!closed) {
      try (Connection connection =
              DriverManager.getConnection(
                  database.jdbcUrl(), database.appUser(), database.appPassword());
          Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + channel);
        PGConnection notifications = connection.unwrap(PGConnection.class);
        while (!closed) {
          var received = notifications.getNotifications((int) POLL_MILLIS);
          if (received != null && received.length > 0) {
            signal();
          }
        }
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        LOG.atWarn().setCause(e).log("Event listener lost its connection; reconnecting");
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  static String encode(long transaction, long position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((transaction + ":" + position).getBytes(StandardCharsets.UTF_8));
  }

  static long[] decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return new long[] {0, 0};
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      return new long[] {
        Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1))
      };
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw ParleyException.invalidArgument("after_cursor", "is not a cursor from this stream");
    }
  }
}
