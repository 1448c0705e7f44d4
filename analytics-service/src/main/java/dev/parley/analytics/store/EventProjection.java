package dev.parley.analytics.store;

import static dev.parley.analytics.store.schema.Tables.CLUSTER_REFRESH;
import static dev.parley.analytics.store.schema.Tables.CONVERSATION_DAY;
import static dev.parley.analytics.store.schema.Tables.ISSUE;
import static dev.parley.analytics.store.schema.Tables.QUERY_CONVERSATION;
import static dev.parley.analytics.store.schema.Tables.QUERY_EVENT;
import static dev.parley.analytics.store.schema.Tables.QUERY_FEEDBACK;
import static dev.parley.analytics.store.schema.Tables.QUERY_TICKET;

import com.google.protobuf.Timestamp;
import dev.parley.analytics.domain.IssueText;
import dev.parley.event.v1.ConversationUpserted;
import dev.parley.event.v1.Event;
import dev.parley.event.v1.EventLogged;
import dev.parley.event.v1.FeedbackRecorded;
import dev.parley.event.v1.NewMessage;
import dev.parley.event.v1.TicketState;
import dev.parley.platform.proto.ProtoTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * What each event changes in analytics-service's tables: the start day of a conversation, the rows
 * of Inkeep's query views, and the issue a conversation raises. Runs in the transaction that
 * records the event as applied, once per event. Every kind is decided here, exhaustively: a kind
 * added to the contract does not compile until it is.
 */
final class EventProjection {
  /** How much of a conversation's user text an issue keeps for clustering. */
  static final int MAX_USER_TEXT = 4000;

  private EventProjection() {}

  /** Applies the event; false for a kind this release does not know (skipped). */
  static boolean apply(DSLContext tx, Event event, OffsetDateTime now) {
    String tenant = event.getTenantId();
    String subject = event.getSubjectId();
    return switch (event.getPayloadCase()) {
      case CONVERSATION_UPSERTED -> {
        conversationUpserted(tx, event, now);
        yield true;
      }
      case CONVERSATION_DELETED -> {
        conversationDeleted(tx, tenant, subject);
        yield true;
      }
      case CONVERSATION_UPDATED -> {
        if (event.getConversationUpdated().hasTitle()) {
          tx.update(QUERY_CONVERSATION)
              .set(QUERY_CONVERSATION.SUBJECT, event.getConversationUpdated().getTitle())
              .where(QUERY_CONVERSATION.TENANT_ID.eq(tenant), QUERY_CONVERSATION.ID.eq(subject))
              .execute();
        }
        yield true;
      }
      case FEEDBACK_RECORDED -> {
        feedbackRecorded(tx, event);
        yield true;
      }
      case FEEDBACK_DELETED -> {
        tx.deleteFrom(QUERY_FEEDBACK)
            .where(QUERY_FEEDBACK.TENANT_ID.eq(tenant), QUERY_FEEDBACK.ID.eq(subject))
            .execute();
        yield true;
      }
      case EVENT_LOGGED -> {
        eventLogged(tx, event);
        yield true;
      }
      case TICKET_CREATED -> {
        ticketState(tx, event, event.getTicketCreated());
        yield true;
      }
      case TICKET_UPDATED -> {
        ticketState(tx, event, event.getTicketUpdated());
        yield true;
      }
      case TICKET_MESSAGES_RECORDED -> {
        tx.update(QUERY_TICKET)
            .set(
                QUERY_TICKET.MESSAGE_COUNT,
                QUERY_TICKET.MESSAGE_COUNT.plus(event.getTicketMessagesRecorded().getMessages()))
            .where(QUERY_TICKET.TENANT_ID.eq(tenant), QUERY_TICKET.ID.eq(subject))
            .execute();
        yield true;
      }
      case TICKET_DELETED -> {
        tx.deleteFrom(QUERY_TICKET)
            .where(QUERY_TICKET.TENANT_ID.eq(tenant), QUERY_TICKET.ID.eq(subject))
            .execute();
        yield true;
      }
      // No rollup reads assistant runs yet; the stream carries them for the rollups that will.
      case ASSISTANT_RUN_FINISHED -> true;
      case PAYLOAD_NOT_SET -> false;
    };
  }

  private static void conversationDeleted(DSLContext tx, String tenant, String id) {
    tx.deleteFrom(CONVERSATION_DAY)
        .where(CONVERSATION_DAY.TENANT_ID.eq(tenant), CONVERSATION_DAY.CONVERSATION_ID.eq(id))
        .execute();
    tx.deleteFrom(QUERY_CONVERSATION)
        .where(QUERY_CONVERSATION.TENANT_ID.eq(tenant), QUERY_CONVERSATION.ID.eq(id))
        .execute();
    tx.deleteFrom(QUERY_FEEDBACK)
        .where(QUERY_FEEDBACK.TENANT_ID.eq(tenant), QUERY_FEEDBACK.CONVERSATION_ID.eq(id))
        .execute();
    if (tx.deleteFrom(ISSUE)
            .where(ISSUE.TENANT_ID.eq(tenant), ISSUE.CONVERSATION_ID.eq(id))
            .execute()
        > 0) {
      markForClustering(tx, tenant);
    }
  }

  private static void conversationUpserted(DSLContext tx, Event event, OffsetDateTime now) {
    String tenant = event.getTenantId();
    String id = event.getSubjectId();
    ConversationUpserted data = event.getConversationUpserted();
    OffsetDateTime created = time(data.getCreateTime());
    tx.insertInto(CONVERSATION_DAY)
        .set(CONVERSATION_DAY.TENANT_ID, tenant)
        .set(CONVERSATION_DAY.CONVERSATION_ID, id)
        .set(CONVERSATION_DAY.DAY, created.toLocalDate())
        .onConflict(CONVERSATION_DAY.TENANT_ID, CONVERSATION_DAY.CONVERSATION_ID)
        .doUpdate()
        .set(CONVERSATION_DAY.DAY, created.toLocalDate())
        .execute();

    var row = tx.newRecord(QUERY_CONVERSATION);
    row.setTenantId(tenant);
    row.setId(id);
    row.setType(inkeepType(data.getKind()));
    row.setProjectId(data.hasProjectId() ? data.getProjectId() : null);
    row.setIntegrationId(data.hasIntegrationId() ? data.getIntegrationId() : null);
    row.setProperties(data.hasPropertiesJson() ? JSONB.valueOf(data.getPropertiesJson()) : null);
    row.setUserProperties(
        data.hasUserPropertiesJson() ? JSONB.valueOf(data.getUserPropertiesJson()) : null);
    row.setUserMessageCount(data.getUserMessageCount());
    // Unset for a conversation without messages (GitBook allows empty parts).
    row.setFirstMessageTime(data.hasFirstMessageTime() ? time(data.getFirstMessageTime()) : null);
    row.setCreateTime(created);
    row.setSubject(data.hasTitle() ? data.getTitle() : null);
    row.setSource(
        data.hasOrigin() ? data.getOrigin() : "integration:" + data.getSource() + ":unknown");
    row.setExternalUrl(data.hasExternalUrl() ? data.getExternalUrl() : null);
    tx.insertInto(QUERY_CONVERSATION)
        .set(row)
        .onConflict(QUERY_CONVERSATION.TENANT_ID, QUERY_CONVERSATION.ID)
        .doUpdate()
        .set(row)
        .execute();

    StringBuilder said = new StringBuilder();
    for (NewMessage message : data.getNewMessagesList()) {
      if (message.getRole().equals("user") && !message.getText().isBlank()) {
        said.append(said.isEmpty() ? "" : "\n").append(message.getText().strip());
      }
    }
    if (said.isEmpty()) {
      return;
    }
    String existing =
        tx.select(ISSUE.USER_TEXT)
            .from(ISSUE)
            .where(ISSUE.TENANT_ID.eq(tenant), ISSUE.CONVERSATION_ID.eq(id))
            .forUpdate()
            .fetchOne(ISSUE.USER_TEXT);
    String userText = existing == null ? said.toString() : existing + "\n" + said;
    if (userText.length() > MAX_USER_TEXT) {
      userText = userText.substring(0, MAX_USER_TEXT);
    }
    if (existing != null && existing.equals(userText)) {
      return;
    }
    String title = data.hasTitle() ? data.getTitle() : null;
    tx.insertInto(ISSUE)
        .set(ISSUE.TENANT_ID, tenant)
        .set(ISSUE.ID, IssueText.issueId(id))
        .set(ISSUE.CONVERSATION_ID, id)
        .set(ISSUE.TITLE, IssueText.title(title, userText))
        .set(ISSUE.SUMMARY, IssueText.summary(userText))
        .set(ISSUE.USER_TEXT, userText)
        .set(ISSUE.CREATED_AT, created)
        .set(ISSUE.INGESTED_AT, now)
        .onConflict(ISSUE.TENANT_ID, ISSUE.CONVERSATION_ID)
        .doUpdate()
        .set(ISSUE.TITLE, IssueText.title(title, userText))
        .set(ISSUE.SUMMARY, IssueText.summary(userText))
        .set(ISSUE.USER_TEXT, userText)
        // Embedded again from the new text; clustered again once it is.
        .setNull(ISSUE.EMBEDDING)
        .execute();
    markForClustering(tx, tenant);
  }

  private static void feedbackRecorded(DSLContext tx, Event event) {
    String tenant = event.getTenantId();
    FeedbackRecorded data = event.getFeedbackRecorded();
    var conversation =
        tx.select(QUERY_CONVERSATION.PROJECT_ID, QUERY_CONVERSATION.INTEGRATION_ID)
            .from(QUERY_CONVERSATION)
            .where(
                QUERY_CONVERSATION.TENANT_ID.eq(tenant),
                QUERY_CONVERSATION.ID.eq(data.getConversationId()))
            .fetchOne();
    var row = tx.newRecord(QUERY_FEEDBACK);
    row.setTenantId(tenant);
    row.setId(event.getSubjectId());
    row.setType(data.getRating().toLowerCase(Locale.ROOT));
    row.setMessageId(data.getMessageId());
    row.setConversationId(data.getConversationId());
    row.setReasons(data.hasReasonsJson() ? JSONB.valueOf(data.getReasonsJson()) : null);
    row.setSources(data.hasSourcesJson() ? JSONB.valueOf(data.getSourcesJson()) : null);
    row.setDetails(data.hasDetails() ? data.getDetails() : null);
    row.setProperties(data.hasPropertiesJson() ? JSONB.valueOf(data.getPropertiesJson()) : null);
    row.setUserProperties(
        data.hasUserPropertiesJson() ? JSONB.valueOf(data.getUserPropertiesJson()) : null);
    row.setProjectId(conversation == null ? null : conversation.value1());
    row.setIntegrationId(conversation == null ? null : conversation.value2());
    row.setCreatedAt(time(data.getCreateTime()));
    row.setUpdatedAt(
        data.hasUpdateTime() ? time(data.getUpdateTime()) : time(data.getCreateTime()));
    tx.insertInto(QUERY_FEEDBACK)
        .set(row)
        .onConflict(QUERY_FEEDBACK.TENANT_ID, QUERY_FEEDBACK.ID)
        .doUpdate()
        .set(row)
        .execute();
  }

  private static void eventLogged(DSLContext tx, Event event) {
    EventLogged data = event.getEventLogged();
    var row = tx.newRecord(QUERY_EVENT);
    row.setTenantId(event.getTenantId());
    row.setId(event.getSubjectId());
    row.setType(data.getType());
    row.setEventType(data.getEntityType().toLowerCase(Locale.ROOT));
    row.setMessageId(data.hasMessageId() ? data.getMessageId() : null);
    row.setConversationId(data.hasConversationId() ? data.getConversationId() : null);
    row.setSearchQuery(data.hasSearchQuery() ? data.getSearchQuery() : null);
    row.setProjectId(data.hasProjectId() ? data.getProjectId() : null);
    row.setIntegrationId(data.hasIntegrationId() ? data.getIntegrationId() : null);
    row.setProperties(data.hasPropertiesJson() ? JSONB.valueOf(data.getPropertiesJson()) : null);
    row.setUserProperties(
        data.hasUserPropertiesJson() ? JSONB.valueOf(data.getUserPropertiesJson()) : null);
    row.setCreatedAt(time(data.getCreateTime()));
    tx.insertInto(QUERY_EVENT)
        .set(row)
        .onConflict(QUERY_EVENT.TENANT_ID, QUERY_EVENT.ID)
        .doUpdate()
        .set(row)
        .execute();
  }

  /** A ticket's state after its creation or an update; its message count is kept. */
  private static void ticketState(DSLContext tx, Event event, TicketState data) {
    var row = tx.newRecord(QUERY_TICKET);
    row.setTenantId(event.getTenantId());
    row.setId(event.getSubjectId());
    row.setTicketNumber(data.getTicketNumber());
    row.setStatus(data.getStatus());
    row.setPriority(data.hasPriority() ? data.getPriority() : null);
    row.setChannelSource(data.getChannelSource());
    row.setAssignee(data.hasAssignee() ? data.getAssignee() : null);
    row.setConversationId(data.hasConversationId() ? data.getConversationId() : null);
    row.setDistinctId(data.getDistinctId());
    row.setCreatedAt(time(data.getCreatedAt()));
    row.setUpdatedAt(time(data.getUpdatedAt()));
    tx.insertInto(QUERY_TICKET)
        .set(row)
        .onConflict(QUERY_TICKET.TENANT_ID, QUERY_TICKET.ID)
        .doUpdate()
        .set(QUERY_TICKET.STATUS, row.getStatus())
        .set(QUERY_TICKET.PRIORITY, row.getPriority())
        .set(QUERY_TICKET.CHANNEL_SOURCE, row.getChannelSource())
        .set(QUERY_TICKET.ASSIGNEE, row.getAssignee())
        .set(QUERY_TICKET.CONVERSATION_ID, row.getConversationId())
        .set(QUERY_TICKET.DISTINCT_ID, row.getDistinctId())
        .set(QUERY_TICKET.UPDATED_AT, row.getUpdatedAt())
        .execute();
  }

  /** Asks for the tenant's clusters to be computed again (see IssueClusterRefresh). */
  static void markForClustering(DSLContext tx, String tenant) {
    tx.insertInto(CLUSTER_REFRESH)
        .set(CLUSTER_REFRESH.TENANT_ID, tenant)
        .set(CLUSTER_REFRESH.VERSION, 1L)
        .onConflict(CLUSTER_REFRESH.TENANT_ID)
        .doUpdate()
        .set(CLUSTER_REFRESH.VERSION, CLUSTER_REFRESH.VERSION.plus(1))
        .execute();
  }

  /**
   * Inkeep's conversation type for a Parley conversation kind, as Inkeep's query API shows it
   * (conversation-service's Inkeep adapter maps the same kinds for Inkeep's conversation API).
   */
  private static String inkeepType(String kind) {
    return switch (kind) {
      case "SUPPORT_TICKET" -> "support_ticket";
      case "SUPPORT_COPILOT" -> "support_copilot";
      default -> "openai";
    };
  }

  private static OffsetDateTime time(Timestamp timestamp) {
    return ProtoTime.instant(timestamp).atOffset(ZoneOffset.UTC);
  }
}
