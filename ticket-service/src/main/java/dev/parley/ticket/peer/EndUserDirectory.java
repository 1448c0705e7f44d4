package dev.parley.ticket.peer;

import static java.util.Objects.requireNonNull;

import dev.parley.conversation.v1.BatchGetEndUsersRequest;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.EndUserProfile;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.type.v1.Backend;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end users conversation-service knows, fetched over gRPC with the caller's key: one call per
 * page of tickets, never one per ticket. Tickets are served without persons when the lookup fails.
 */
public final class EndUserDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(EndUserDirectory.class);
  private static final long DEADLINE_MILLIS = 2000;

  private final PeerChannels peers;

  @Inject
  public EndUserDirectory(PeerChannels peers) {
    this.peers = requireNonNull(peers, "peers is null");
  }

  /** The profiles of these end users by id; empty for unknown ids or when the lookup fails. */
  public Map<String, EndUserProfile> find(Collection<String> ids) {
    LinkedHashSet<String> wanted = new LinkedHashSet<>();
    ids.stream().filter(id -> id != null && !id.isEmpty()).forEach(wanted::add);
    Optional<Channel> channel = peers.channel(Backend.BACKEND_CONVERSATION);
    Map<String, EndUserProfile> profiles = new HashMap<>();
    if (wanted.isEmpty() || channel.isEmpty()) {
      return profiles;
    }
    try {
      ConversationServiceGrpc.newBlockingStub(channel.get())
          .withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
          .batchGetEndUsers(BatchGetEndUsersRequest.newBuilder().addAllEndUserIds(wanted).build())
          .getEndUsersList()
          .forEach(profile -> profiles.put(profile.getId(), profile));
    } catch (StatusRuntimeException e) {
      LOG.atWarn()
          .addKeyValue("requestId", CallContext.requestId())
          .addKeyValue("status", e.getStatus().getCode())
          .log("End users unavailable; tickets are served without persons");
    }
    return profiles;
  }
}
