package dev.parley.ticket.peer;

import static java.util.Objects.requireNonNull;

import dev.parley.conversation.v1.AssistantServiceGrpc;
import dev.parley.conversation.v1.DraftReplyRequest;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.type.v1.Backend;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** conversation-service's assistant, asked over gRPC with the caller's key. */
public final class AssistantPeer {
  private static final Logger LOG = LoggerFactory.getLogger(AssistantPeer.class);

  /** A draft waits for the model: as long as a provider's answer may take. */
  private static final long DEADLINE_SECONDS = 120;

  private final PeerChannels peers;

  @Inject
  public AssistantPeer(PeerChannels peers) {
    this.peers = requireNonNull(peers, "peers is null");
  }

  /** What drafting a reply came to. */
  public sealed interface Draft {
    /** The drafted text. */
    record Text(String text) implements Draft {}

    /** The conversation has no message (or is gone). */
    record NoMessages() implements Draft {}

    /** The assistant could not draft. */
    record Failed(String reason) implements Draft {}
  }

  /** Drafts the next reply to the conversation's customer. */
  public Draft draftReply(String conversationId) {
    Optional<Channel> channel = peers.channel(Backend.BACKEND_CONVERSATION);
    if (channel.isEmpty()) {
      return new Draft.Failed("conversation-service is not configured");
    }
    try {
      return new Draft.Text(
          AssistantServiceGrpc.newBlockingStub(channel.get())
              .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
              .draftReply(DraftReplyRequest.newBuilder().setConversationId(conversationId).build())
              .getText());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.NOT_FOUND) {
        return new Draft.NoMessages();
      }
      LOG.atWarn()
          .addKeyValue("requestId", CallContext.requestId())
          .addKeyValue("status", code)
          .log("The assistant could not draft a reply");
      return new Draft.Failed(code.name());
    }
  }
}
