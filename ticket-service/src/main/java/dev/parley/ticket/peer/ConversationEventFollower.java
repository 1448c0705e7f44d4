package dev.parley.ticket.peer;

import dev.parley.event.v1.ConversationEventsServiceGrpc;
import dev.parley.platform.events.EventParking;
import dev.parley.platform.events.EventStreamConsumer;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.platform.runtime.Background;
import dev.parley.type.v1.Backend;
import jakarta.inject.Inject;

/** Follows conversation-service's event stream from start to stop of ticket-service. */
public final class ConversationEventFollower implements Background {
  private final EventStreamConsumer consumer;

  @Inject
  public ConversationEventFollower(PeerChannels peers, EventParking parking) {
    consumer =
        new EventStreamConsumer(
            "conversation",
            Backend.BACKEND_CONVERSATION,
            (channel, request, records) ->
                ConversationEventsServiceGrpc.newStub(channel).streamEvents(request, records),
            peers,
            parking);
  }

  @Override
  public void start() {
    consumer.start();
  }

  @Override
  public void stop() {
    consumer.stop();
  }
}
