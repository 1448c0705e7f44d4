package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.List;

/**
 * A conversation as stored. {@code messages} is empty when only the summary was loaded; {@code
 * messageCount} is always right. Nullable fields are null when absent. {@code source} is the front
 * door that created it ("inkeep", "gitbook", "native"), {@code origin} where it came from within
 * that front door (GitBook's ConversationSource). {@code lastMessageTime} is the create time of the
 * newest message, null without messages.
 */
public record Conversation(
    String tenantId,
    String id,
    String externalId,
    String externalUrl,
    ConversationKind kind,
    String title,
    String source,
    String origin,
    Visibility visibility,
    String supportTicketConversationId,
    String projectId,
    String integrationId,
    String propertiesJson,
    String userPropertiesJson,
    List<String> tags,
    Handling handling,
    Instant createTime,
    Instant updateTime,
    Instant lastMessageTime,
    int messageCount,
    List<Message> messages) {
  public Conversation {
    requireNonNull(tenantId, "tenantId is null");
    requireNonNull(id, "id is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(source, "source is null");
    requireNonNull(createTime, "createTime is null");
    requireNonNull(updateTime, "updateTime is null");
    handling = handling == null ? Handling.NONE : handling;
    tags = tags == null ? null : ImmutableList.copyOf(tags);
    messages = ImmutableList.copyOf(messages);
  }
}
