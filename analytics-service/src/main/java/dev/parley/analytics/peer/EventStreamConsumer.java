package dev.parley.analytics.peer;

import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.AnalyticsStore;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.StreamEventsRequest;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.type.v1.Backend;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one service's event stream for as long as analytics-service runs: resumes after the
 * cursor stored with the last applied event, applies each event in one transaction with its cursor
 * (so a crash at any moment neither loses nor double-counts), and reconnects after a second when
 * the stream breaks (the producer or PostgreSQL restarting).
 */
final class EventStreamConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamConsumer.class);
  private static final long RETRY_MILLIS = 1000;

  private final String stream;
  private final Backend producer;
  private final BiFunction<Channel, StreamEventsRequest, Iterator<EventRecord>> open;
  private final PeerChannels peers;
  private final AnalyticsStore store;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final Thread thread;
  private volatile boolean closed;

  /**
   * Starts following: {@code stream} names the stream's cursor, {@code open} calls the producer's
   * StreamEvents on a channel.
   */
  EventStreamConsumer(
      String stream,
      Backend producer,
      BiFunction<Channel, StreamEventsRequest, Iterator<EventRecord>> open,
      PeerChannels peers,
      AnalyticsStore store) {
    this.stream = requireNonNull(stream, "stream is null");
    this.producer = requireNonNull(producer, "producer is null");
    this.open = requireNonNull(open, "open is null");
    this.peers = requireNonNull(peers, "peers is null");
    this.store = requireNonNull(store, "store is null");
    this.thread = Thread.ofVirtual().name(stream + "-events").start(this::run);
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
    Iterator<EventRecord> records =
        open.apply(channel, StreamEventsRequest.newBuilder().setAfterCursor(after).build());
    while (!closed && records.hasNext()) {
      EventRecord record = records.next();
      store.apply(stream, record.getCursor(), record.getEvent());
    }
  }

  @Override
  public void close() {
    closed = true;
    context.cancel(null);
    thread.interrupt();
  }
}
