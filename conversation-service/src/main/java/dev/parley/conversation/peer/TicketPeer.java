package dev.parley.conversation.peer;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.conversation.domain.ContentText;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.TicketLink;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.ticket.v1.CreateTicketRequest;
import dev.parley.ticket.v1.RecordTicketMessagesRequest;
import dev.parley.ticket.v1.Ticket;
import dev.parley.ticket.v1.TicketMessage;
import dev.parley.ticket.v1.TicketServiceGrpc;
import dev.parley.ticket.v1.TicketServiceGrpc.TicketServiceBlockingStub;
import dev.parley.type.v1.Backend;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ticket-service over gRPC, called with the caller's key. */
public final class TicketPeer implements TicketLink {
  private static final long DEADLINE_SECONDS = 5;
  private static final int BATCH = 1000;

  private final PeerChannels peers;

  @Inject
  public TicketPeer(PeerChannels peers) {
    this.peers = requireNonNull(peers, "peers is null");
  }

  @Override
  public Escalation escalate(Conversation conversation, String reason) {
    var ticket =
        Ticket.newBuilder()
            .setConversationId(conversation.id())
            .setDistinctId(
                conversation.handling().endUserId() == null
                    ? ""
                    : conversation.handling().endUserId());
    if (reason != null) {
      ticket.setEscalationReason(reason);
    }
    if (conversation.handling().endUserEmail() != null) {
      ticket.setAnonymousTraits(
          Struct.newBuilder()
              .putFields(
                  "email",
                  Value.newBuilder()
                      .setStringValue(conversation.handling().endUserEmail())
                      .build()));
    }
    try {
      Ticket created =
          stub().createTicket(CreateTicketRequest.newBuilder().setTicket(ticket).build());
      recordOn(created.getId(), conversation.messages());
      return new Escalation(created.getId(), created.getTicketNumber());
    } catch (StatusRuntimeException e) {
      throw relay(e);
    }
  }

  private void recordOn(String ticketId, List<Message> messages) {
    for (int start = 0; start < messages.size(); start += BATCH) {
      RecordTicketMessagesRequest.Builder request =
          RecordTicketMessagesRequest.newBuilder().setTicket(ticketId);
      for (Message message : messages.subList(start, Math.min(messages.size(), start + BATCH))) {
        request.addMessages(
            TicketMessage.newBuilder()
                .setMessageId(message.id())
                .setAuthor(
                    TicketLink.fromCustomer(message)
                        ? TicketMessage.Author.AUTHOR_CUSTOMER
                        : TicketMessage.Author.AUTHOR_TEAM)
                .setText(ContentText.plain(message.contentJson())));
      }
      stub().recordTicketMessages(request.build());
    }
  }

  private TicketServiceBlockingStub stub() {
    return TicketServiceGrpc.newBlockingStub(
            peers
                .channel(Backend.BACKEND_TICKET)
                .orElseThrow(
                    () ->
                        new ParleyException(
                            ErrorCode.UNAVAILABLE, "ticket-service is not configured")))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** ticket-service's refusal, passed on to the caller as it came. */
  private static RuntimeException relay(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case PERMISSION_DENIED ->
          new ParleyException(ErrorCode.PERMISSION_DENIED, e.getStatus().getDescription());
      case UNAVAILABLE, DEADLINE_EXCEEDED ->
          new ParleyException(ErrorCode.UNAVAILABLE, "ticket-service is unavailable; retry");
      default -> e;
    };
  }
}
