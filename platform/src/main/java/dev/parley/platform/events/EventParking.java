package dev.parley.platform.events;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Throwables;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.ParkedEvent;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a service's stream consumers put the events they could not apply, so that one tenant's bad
 * event never stops a stream for everyone: the event is parked with its error in the transaction
 * that moves the stream's cursor past it, logged, and counted ({@code parley.events.parked}, by
 * stream and tenant). An operator lists a tenant's parked events and replays one once the fault is
 * fixed, through the service's internal ParkedEvents API.
 */
public final class EventParking {
  private static final Logger LOG = LoggerFactory.getLogger(EventParking.class);

  /** How much of an error a parked event keeps. */
  static final int MAX_ERROR = 2000;

  private final ParkedEvents parked;
  private final StreamCursors cursors;
  private final TenantDatabase database;
  private final EventSink sink;
  private final MeterRegistry meters;

  /** The parked events of the consumers in {@code schema}, which apply events into {@code sink}. */
  public EventParking(
      String schema, TenantDatabase database, EventSink sink, MeterRegistry meters) {
    this.parked = new ParkedEvents(requireNonNull(schema, "schema is null"));
    this.cursors = new StreamCursors(schema);
    this.database = requireNonNull(database, "database is null");
    this.sink = requireNonNull(sink, "sink is null");
    this.meters = requireNonNull(meters, "meters is null");
  }

  /** The sink the consumers of this service apply events into. */
  EventSink sink() {
    return sink;
  }

  /** Parks a record that failed {@code attempts} times and moves the stream's cursor past it. */
  void park(String stream, EventRecord record, Throwable failure, int attempts) {
    String tenant = record.getEvent().getTenantId();
    String error = describe(failure);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    database.inTransaction(
        tx -> {
          TenantDatabase.bindTenant(tx, tenant);
          parked.park(tx, stream, record, error, attempts, now);
          cursors.write(tx, stream, record.getCursor());
          return null;
        });
    LOG.atError()
        .addKeyValue("stream", stream)
        .addKeyValue("tenant", tenant)
        .addKeyValue("eventId", record.getEvent().getId())
        .addKeyValue("eventType", record.getEvent().getType())
        .addKeyValue("attempts", attempts)
        .addKeyValue("error", error)
        .setCause(failure)
        .log("Parked an event that could not be applied; the stream goes on");
    parkedCounter(stream, tenant).increment();
  }

  /** A tenant's parked events, oldest first. */
  public List<ParkedEvent> list(String tenantId, String stream, int limit) {
    requireNonNull(stream, "stream is null");
    return database.inTenant(tenantId, tx -> parked.list(tx, tenantId, stream, limit));
  }

  /**
   * Applies a parked event again. It leaves the parked events when it applies; when it fails again,
   * it stays with the new error, and the call fails with that error.
   */
  public ParkedEvent replay(String tenantId, String stream, UUID eventId) {
    ParkedEvent event =
        database.inTenant(
            tenantId,
            tx ->
                parked
                    .find(tx, tenantId, stream, eventId)
                    .orElseThrow(() -> ParleyException.notFound("No such parked event")));
    try {
      sink.replay(stream, event.getRecord());
    } catch (RuntimeException e) {
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      String error = describe(e);
      database.inTenant(
          tenantId,
          tx -> {
            parked.park(tx, stream, event.getRecord(), error, 1, now);
            return null;
          });
      LOG.atWarn()
          .addKeyValue("stream", stream)
          .addKeyValue("tenant", tenantId)
          .addKeyValue("eventId", eventId)
          .setCause(e)
          .log("A parked event failed again on replay");
      throw new ParleyException(
          ErrorCode.FAILED_PRECONDITION,
          "The event failed again: " + error.lines().findFirst().orElse(error));
    }
    database.inTenant(
        tenantId,
        tx -> {
          parked.remove(tx, tenantId, stream, eventId);
          return null;
        });
    meters.counter("parley.events.replayed", "stream", stream).increment();
    return event.toBuilder().setReplayed(true).build();
  }

  /** How many events of the stream were parked for the tenant since the service started. */
  /** The registry the stream's meters go to. */
  MeterRegistry meters() {
    return meters;
  }

  Counter parkedCounter(String stream, String tenant) {
    return meters.counter("parley.events.parked", "stream", stream, "tenant", tenant);
  }

  /** What went wrong, from the deepest cause: the database's own words, not the statement. */
  private static String describe(Throwable failure) {
    Throwable root = Throwables.getRootCause(failure);
    String message = root.getMessage();
    String text = root.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
    return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "..." : text;
  }
}
