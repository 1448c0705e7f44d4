package dev.parley.ticket.api;

import static java.util.Objects.requireNonNull;

import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.StreamEventsRequest;
import dev.parley.event.v1.TicketEventsServiceGrpc;
import dev.parley.platform.events.OutboxStream;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** ticket-service's events, for Parley's other services (internal). */
public final class TicketEventsGrpcService
    extends TicketEventsServiceGrpc.TicketEventsServiceImplBase {
  private final OutboxStream outbox;

  @Inject
  public TicketEventsGrpcService(OutboxStream outbox) {
    this.outbox = requireNonNull(outbox, "outbox is null");
  }

  @Override
  public void streamEvents(StreamEventsRequest request, StreamObserver<EventRecord> response) {
    outbox.serve(request.getAfterCursor(), response);
  }
}
