package dev.parley.conversation.events;

import dev.parley.conversation.domain.ContentText;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.HandlingChange;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Run;
import dev.parley.event.v1.AssistantRunFinished;
import dev.parley.event.v1.ConversationDeleted;
import dev.parley.event.v1.ConversationUpdated;
import dev.parley.event.v1.ConversationUpserted;
import dev.parley.event.v1.Event;
import dev.parley.event.v1.EventLogged;
import dev.parley.event.v1.FeedbackDeleted;
import dev.parley.event.v1.FeedbackRecorded;
import dev.parley.event.v1.NewMessage;
import dev.parley.platform.proto.ProtoTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * conversation-service's domain events ({@code parley.event.v1}), built from domain values: the one
 * place that decides what each event carries. Stores append what these return to the outbox in the
 * transaction of the change; they build no event data themselves.
 */
public final class ConversationEvents {
  /** How much of each new message's plain text an event carries. */
  public static final int MAX_MESSAGE_TEXT = 2000;

  private ConversationEvents() {}

  /** A conversation as written, with the messages the write added to {@code before}. */
  public static Event upserted(Conversation conversation, List<Message> before, boolean created) {
    Set<String> known = before.stream().map(Message::id).collect(Collectors.toSet());
    ConversationUpserted.Builder payload =
        ConversationUpserted.newBuilder()
            .setCreated(created)
            .setSource(conversation.source())
            .setKind(conversation.kind().name())
            .setCreateTime(ProtoTime.timestamp(conversation.createTime()))
            .setMessageCount(conversation.messages().size())
            .setUserMessageCount(
                (int)
                    conversation.messages().stream()
                        .filter(message -> message.role().equals("user"))
                        .count());
    setIfPresent(conversation.origin(), payload::setOrigin);
    setIfPresent(conversation.title(), payload::setTitle);
    setIfPresent(conversation.handling().endUserId(), payload::setEndUserId);
    setIfPresent(conversation.externalUrl(), payload::setExternalUrl);
    setIfPresent(conversation.projectId(), payload::setProjectId);
    setIfPresent(conversation.integrationId(), payload::setIntegrationId);
    setIfPresent(conversation.propertiesJson(), payload::setPropertiesJson);
    setIfPresent(conversation.userPropertiesJson(), payload::setUserPropertiesJson);
    conversation.messages().stream()
        .map(Message::createTime)
        .min(Instant::compareTo)
        .ifPresent(first -> payload.setFirstMessageTime(ProtoTime.timestamp(first)));
    for (Message message : conversation.messages()) {
      if (!known.contains(message.id())) {
        String text = ContentText.plain(message.contentJson());
        payload.addNewMessages(
            NewMessage.newBuilder()
                .setId(message.id())
                .setRole(message.role())
                .setText(
                    text.length() > MAX_MESSAGE_TEXT ? text.substring(0, MAX_MESSAGE_TEXT) : text)
                .setCreateTime(ProtoTime.timestamp(message.createTime())));
      }
    }
    return Event.newBuilder().setConversationUpserted(payload).build();
  }

  /**
   * The title (when not null) and the handling fields that changed in place; a cleared field is an
   * empty string.
   */
  public static Event updated(String title, HandlingChange handling) {
    ConversationUpdated.Builder payload = ConversationUpdated.newBuilder();
    setIfPresent(title, payload::setTitle);
    if (handling != null) {
      setIfChanged(handling.state(), payload::setState);
      setIfChanged(handling.assignee(), payload::setAssignee);
      setIfChanged(handling.ticketId(), payload::setTicketId);
    }
    return Event.newBuilder().setConversationUpdated(payload).build();
  }

  /** A deleted conversation; {@code soft} for PostHog's soft delete. */
  public static Event deleted(boolean soft) {
    return Event.newBuilder()
        .setConversationDeleted(ConversationDeleted.newBuilder().setSoft(soft))
        .build();
  }

  public static Event feedbackRecorded(Feedback feedback) {
    FeedbackRecorded.Builder payload =
        FeedbackRecorded.newBuilder()
            .setConversationId(feedback.conversationId())
            .setMessageId(feedback.messageId())
            .setRating(feedback.rating().name())
            .setAuthor(feedback.author().name())
            .setCreateTime(ProtoTime.timestamp(feedback.createTime()))
            .setUpdateTime(ProtoTime.timestamp(feedback.updateTime()));
    setIfPresent(feedback.reasonsJson(), payload::setReasonsJson);
    setIfPresent(feedback.sourcesJson(), payload::setSourcesJson);
    setIfPresent(feedback.details(), payload::setDetails);
    setIfPresent(feedback.propertiesJson(), payload::setPropertiesJson);
    setIfPresent(feedback.userPropertiesJson(), payload::setUserPropertiesJson);
    return Event.newBuilder().setFeedbackRecorded(payload).build();
  }

  public static Event feedbackDeleted() {
    return Event.newBuilder().setFeedbackDeleted(FeedbackDeleted.getDefaultInstance()).build();
  }

  /** An analytics event as recorded (the domain's event, an Inkeep log entry). */
  public static Event eventLogged(dev.parley.conversation.domain.Event logged) {
    EventLogged.Builder payload =
        EventLogged.newBuilder()
            .setType(logged.type())
            .setEntityType(logged.entityType().name())
            .setCreateTime(ProtoTime.timestamp(logged.createTime()));
    setIfPresent(logged.conversationId(), payload::setConversationId);
    setIfPresent(logged.messageId(), payload::setMessageId);
    setIfPresent(logged.searchQuery(), payload::setSearchQuery);
    setIfPresent(logged.projectId(), payload::setProjectId);
    setIfPresent(logged.integrationId(), payload::setIntegrationId);
    setIfPresent(logged.propertiesJson(), payload::setPropertiesJson);
    setIfPresent(logged.userPropertiesJson(), payload::setUserPropertiesJson);
    return Event.newBuilder().setEventLogged(payload).build();
  }

  /** An assistant run that ended, with its provider, model, tokens and duration. */
  public static Event runFinished(Run run) {
    AssistantRunFinished.Builder payload =
        AssistantRunFinished.newBuilder()
            .setRunId(run.id())
            .setStatus(run.status().stored())
            .setProvider(run.provider())
            .setModel(run.model())
            .setRequestedModel(run.requestedModel())
            .setStopReason(run.stopReason() == null ? "" : run.stopReason().stored());
    if (run.inputTokens() != null) {
      payload.setInputTokens(run.inputTokens());
    }
    if (run.outputTokens() != null) {
      payload.setOutputTokens(run.outputTokens());
    }
    if (run.endTime() != null) {
      Instant start = run.startTime() != null ? run.startTime() : run.createTime();
      payload.setDurationMillis(java.time.Duration.between(start, run.endTime()).toMillis());
    }
    return Event.newBuilder().setAssistantRunFinished(payload).build();
  }

  private static void setIfChanged(Edit edit, Consumer<String> setter) {
    switch (edit) {
      case Edit.Keep keep -> {}
      case Edit.Clear clear -> setter.accept("");
      case Edit.To to -> setter.accept(to.value());
    }
  }

  private static void setIfPresent(String value, Consumer<String> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
