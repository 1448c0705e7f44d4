package dev.parley.conversation.api;

import static java.util.Objects.requireNonNull;

import dev.parley.event.v1.ConversationEventsServiceGrpc;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.StreamEventsRequest;
import dev.parley.platform.events.OutboxStream;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** conversation-service's events, for Parley's other services (internal). */
public final class ConversationEventsGrpcService
    extends ConversationEventsServiceGrpc.ConversationEventsServiceImplBase {
  private final OutboxStream outbox;

  @Inject
  public ConversationEventsGrpcService(OutboxStream outbox) {
    this.outbox = requireNonNull(outbox, "outbox is null");
  }

  @Override
  public void streamEvents(StreamEventsRequest request, StreamObserver<EventRecord> response) {
    outbox.serve(request.getAfterCursor(), response);
  }
}
