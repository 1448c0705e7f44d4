package dev.parley.platform.events;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.util.Timestamps;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.StreamEventsRequest;
import dev.parley.platform.error.SqlStates;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.platform.ops.Tracing;
import dev.parley.platform.runtime.Background;
import dev.parley.type.v1.Backend;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one service's event stream for as long as the consuming service runs: resumes after the
 * cursor stored with the last applied event, applies the events that have arrived (up to {@link
 * #BATCH}) in one transaction with the cursor of the last (so a crash at any moment neither loses
 * nor double-counts), and reconnects after a second when the stream breaks (the producer or
 * PostgreSQL restarting). Flow control asks the producer for no more than one batch ahead.
 *
 * <p>A failure that says the database is away for now ({@link SqlStates#isTransient}) stops nothing
 * but time: the consumer reconnects and applies the same events again. Any other failure belongs to
 * an event: the batch is applied again one event at a time, a failing event is tried {@link
 * #ATTEMPTS} times with a growing pause, then parked with its error ({@link EventParking}) and the
 * stream goes on, so one tenant's bad event never stops the others' analytics.
 */
public final class EventStreamConsumer implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamConsumer.class);
  private static final long RETRY_MILLIS = 1000;
  static final int BATCH = 200;

  /** How many times an event is tried before it is parked. */
  static final int ATTEMPTS = 3;

  /** The pause after the first failed attempt; it doubles after each. */
  private static final long FIRST_PAUSE_MILLIS = 100;

  /** Marks the end of a stream in the queue. */
  private static final Object END = new Object();

  private final String stream;
  private final Backend producer;
  private final Opener open;
  private final PeerChannels peers;
  private final EventSink store;
  private final EventParking parking;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final Timer delay;
  private Thread thread;
  private volatile boolean closed;

  /** Calls a producer's StreamEvents on a channel, with an observer of the records. */
  @FunctionalInterface
  public interface Opener {
    void open(Channel channel, StreamEventsRequest request, StreamObserver<EventRecord> records);
  }

  /**
   * A consumer of the stream: {@code stream} names the stream's cursor, {@code open} calls the
   * producer's StreamEvents; events are applied into the parking's sink, and parked there when they
   * fail. It follows the stream from {@link #start} to {@link #stop}.
   */
  public EventStreamConsumer(
      String stream, Backend producer, Opener open, PeerChannels peers, EventParking parking) {
    this.stream = requireNonNull(stream, "stream is null");
    this.producer = requireNonNull(producer, "producer is null");
    this.open = requireNonNull(open, "open is null");
    this.peers = requireNonNull(peers, "peers is null");
    this.parking = requireNonNull(parking, "parking is null");
    this.store = parking.sink();
    // How far behind the producer this consumer applies: from the commit of each event to its
    // application (parley_events_delay_seconds, a histogram per stream).
    this.delay =
        Timer.builder("parley.events.delay")
            .description("From an event's commit at its producer to its application here")
            .tag("stream", stream)
            .register(parking.meters());
  }

  @Override
  public void start() {
    thread = Thread.ofVirtual().name(stream + "-events").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        Optional<Channel> channel = peers.internalChannel(producer);
        if (channel.isPresent()) {
          context.run(() -> follow(channel.get()));
        }
      } catch (StatusRuntimeException e) {
        if (!closed) {
          LOG.atDebug()
              .addKeyValue("stream", stream)
              .addKeyValue("status", e.getStatus().getCode())
              .log("Event stream broke");
        }
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.atWarn().addKeyValue("stream", stream).setCause(e).log("Applying events failed");
        }
      }
      try {
        Thread.sleep(RETRY_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void follow(Channel channel) {
    String after = store.cursor(stream).orElse("");
    // Holds at most what was requested (BATCH), then an error or the end: puts never block.
    BlockingQueue<Object> arrived = new ArrayBlockingQueue<>(BATCH + 2);
    AtomicReference<ClientCallStreamObserver<StreamEventsRequest>> call = new AtomicReference<>();
    open.open(
        channel,
        StreamEventsRequest.newBuilder().setAfterCursor(after).build(),
        new ClientResponseObserver<StreamEventsRequest, EventRecord>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<StreamEventsRequest> requests) {
            call.set(requests);
            requests.disableAutoRequestWithInitial(BATCH);
          }

          @Override
          public void onNext(EventRecord record) {
            arrived.add(record);
          }

          @Override
          public void onError(Throwable error) {
            arrived.add(error);
          }

          @Override
          public void onCompleted() {
            arrived.add(END);
          }
        });
    try {
      List<EventRecord> batch = new ArrayList<>();
      while (!closed) {
        Object next = arrived.take();
        while (next instanceof EventRecord record) {
          batch.add(record);
          next = batch.size() < BATCH ? arrived.poll() : null;
        }
        if (!batch.isEmpty()) {
          apply(batch);
          call.get().request(batch.size());
          batch.clear();
        }
        if (next instanceof StatusRuntimeException error) {
          throw error;
        }
        if (next instanceof Throwable error) {
          throw Status.fromThrowable(error).asRuntimeException();
        }
        if (next == END) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      call.get().cancel("The consumer stopped", null);
    }
  }

  /**
   * Applies a batch; when an event of it fails, one event at a time, parking what keeps failing.
   */
  private void apply(List<EventRecord> batch) throws InterruptedException {
    // One span per batch applied, linked to the span of each write that appended its events.
    SpanBuilder builder =
        peers
            .tracing()
            .tracer()
            .spanBuilder("apply " + stream + " events")
            .setSpanKind(SpanKind.CONSUMER)
            .setNoParent()
            .setAttribute("parley.stream", stream)
            .setAttribute("parley.events", (long) batch.size());
    for (EventRecord record : batch) {
      Tracing.spanContext(record.getEvent().getTraceParent()).ifPresent(builder::addLink);
    }
    Span span = builder.startSpan();
    try (Scope scope = span.makeCurrent()) {
      try {
        store.apply(stream, batch);
        recordDelay(batch);
        return;
      } catch (RuntimeException e) {
        if (SqlStates.isTransient(e)) {
          span.recordException(e);
          throw e;
        }
      }
      for (EventRecord record : batch) {
        applyOne(record);
      }
      recordDelay(batch);
    } finally {
      span.end();
    }
  }

  private void recordDelay(List<EventRecord> batch) {
    long now = System.currentTimeMillis();
    for (EventRecord record : batch) {
      long committed = Timestamps.toMillis(record.getEvent().getTime());
      delay.record(Math.max(0, now - committed), TimeUnit.MILLISECONDS);
    }
  }

  private void applyOne(EventRecord record) throws InterruptedException {
    long pause = FIRST_PAUSE_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        store.apply(stream, List.of(record));
        return;
      } catch (RuntimeException e) {
        if (SqlStates.isTransient(e)) {
          throw e;
        }
        if (attempt >= ATTEMPTS) {
          parking.park(stream, record, e, attempt);
          return;
        }
        LOG.atDebug()
            .addKeyValue("stream", stream)
            .addKeyValue("eventId", record.getEvent().getId())
            .addKeyValue("attempt", attempt)
            .setCause(e)
            .log("Applying an event failed; trying again");
      }
      Thread.sleep(pause);
      pause *= 2;
    }
  }

  @Override
  public void stop() {
    closed = true;
    context.cancel(null);
    if (thread != null) {
      thread.interrupt();
    }
  }
}
