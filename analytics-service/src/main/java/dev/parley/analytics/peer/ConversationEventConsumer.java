package dev.parley.analytics.peer;

import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.AnalyticsStore;
import dev.parley.event.v1.ConversationEventsServiceGrpc;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.StreamEventsRequest;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.type.v1.Backend;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows conversation-service's event stream for as long as the service runs: resumes after the
 * cursor stored with the last applied event, applies each event in one transaction with its cursor
 * (so a crash at any moment neither loses nor double-counts), and reconnects after a second when
 * the stream breaks (conversation-service or PostgreSQL restarting).
 */
public final class ConversationEventConsumer implements AutoCloseable {
  static final String STREAM = "conversation";
  private static final Logger LOG = LoggerFactory.getLogger(ConversationEventConsumer.class);
  private static final long RETRY_MILLIS = 1000;

  private final PeerChannels peers;
  private final AnalyticsStore store;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final Thread thread;
  private volatile boolean closed;

  @Inject
  public ConversationEventConsumer(PeerChannels peers, AnalyticsStore store) {
    this.peers = requireNonNull(peers, "peers is null");
    this.store = requireNonNull(store, "store is null");
    this.thread = Thread.ofVirtual().name("conversation-events").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        Optional<Channel> channel = peers.internalChannel(Backend.BACKEND_CONVERSATION);
        if (channel.isPresent()) {
          context.run(() -> follow(channel.get()));
        }
      } catch (StatusRuntimeException e) {
        if (!closed) {
          LOG.atDebug().addKeyValue("status", e.getStatus().getCode()).log("Event stream broke");
        }
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.atWarn().setCause(e).log("Applying conversation events failed; retrying");
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
    String after = store.cursor(STREAM).orElse("");
    Iterator<EventRecord> records =
        ConversationEventsServiceGrpc.newBlockingStub(channel)
            .streamEvents(StreamEventsRequest.newBuilder().setAfterCursor(after).build());
    while (!closed && records.hasNext()) {
      EventRecord record = records.next();
      store.apply(STREAM, record.getCursor(), record.getEvent());
    }
  }

  @Override
  public void close() {
    closed = true;
    context.cancel(null);
    thread.interrupt();
  }
}
