package dev.parley.analytics.peer;

import dev.parley.event.v1.ConversationEventsServiceGrpc;
import dev.parley.event.v1.TicketEventsServiceGrpc;
import dev.parley.platform.events.EventParking;
import dev.parley.platform.events.EventStreamConsumer;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.platform.runtime.Background;
import dev.parley.type.v1.Backend;
import jakarta.inject.Inject;
import java.util.List;

/**
 * What analytics-service follows: conversation-service's and ticket-service's event streams, each
 * with its own durable cursor, from the moment the service starts until it stops.
 */
public final class EventStreams implements Background {
  private final List<EventStreamConsumer> consumers;

  @Inject
  public EventStreams(PeerChannels peers, EventParking parking) {
    consumers =
        List.of(
            new EventStreamConsumer(
                "conversation",
                Backend.BACKEND_CONVERSATION,
                (channel, request, records) ->
                    ConversationEventsServiceGrpc.newStub(channel).streamEvents(request, records),
                peers,
                parking),
            new EventStreamConsumer(
                "ticket",
                Backend.BACKEND_TICKET,
                (channel, request, records) ->
                    TicketEventsServiceGrpc.newStub(channel).streamEvents(request, records),
                peers,
                parking));
  }

  @Override
  public void start() {
    consumers.forEach(EventStreamConsumer::start);
  }

  @Override
  public void stop() {
    consumers.forEach(EventStreamConsumer::stop);
  }
}
