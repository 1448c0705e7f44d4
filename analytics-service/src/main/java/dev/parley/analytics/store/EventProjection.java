package dev.parley.analytics.store;

import static dev.parley.analytics.store.schema.Tables.CLUSTER_REFRESH;
import static dev.parley.analytics.store.schema.Tables.CONVERSATION_DAY;
import static dev.parley.analytics.store.schema.Tables.ISSUE;
import static dev.parley.analytics.store.schema.Tables.QUERY_CONVERSATION;
import static dev.parley.analytics.store.schema.Tables.QUERY_EVENT;
import static dev.parley.analytics.store.schema.Tables.QUERY_FEEDBACK;
import static dev.parley.analytics.store.schema.Tables.QUERY_TICKET;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.analytics.domain.IssueText;
import dev.parley.event.v1.Event;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * What each event of conversation-service changes in analytics-service's tables: the start day of a
 * conversation, the rows of Inkeep's query views, and the issue a conversation raises. Runs in the
 * transaction that records the event as applied, once per event.
 */
final class EventProjection {
  /** How much of a conversation's user text an issue keeps for clustering. */
  static final int MAX_USER_TEXT = 4000;

  private EventProjection() {}

  static void apply(DSLContext tx, Event event, OffsetDateTime now) {
    String tenant = event.getTenantId();
    Struct data = event.getData();
    switch (event.getType()) {
      case "conversation.upserted" -> conversationUpserted(tx, event, now);
      case "conversation.deleted" -> {
        String id = event.getSubjectId();
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
      case "conversation.updated" -> {
        if (data.containsFields("title")) {
          tx.update(QUERY_CONVERSATION)
              .set(QUERY_CONVERSATION.SUBJECT, text(data, "title"))
              .where(
                  QUERY_CONVERSATION.TENANT_ID.eq(tenant),
                  QUERY_CONVERSATION.ID.eq(event.getSubjectId()))
              .execute();
        }
      }
      case "feedback.recorded" -> feedbackRecorded(tx, event);
      case "feedback.deleted" ->
          tx.deleteFrom(QUERY_FEEDBACK)
              .where(
                  QUERY_FEEDBACK.TENANT_ID.eq(tenant), QUERY_FEEDBACK.ID.eq(event.getSubjectId()))
              .execute();
      case "event.logged" -> eventLogged(tx, event);
      case "ticket.created", "ticket.updated" -> ticketState(tx, event);
      case "ticket.messages_recorded" ->
          tx.update(QUERY_TICKET)
              .set(
                  QUERY_TICKET.MESSAGE_COUNT,
                  QUERY_TICKET.MESSAGE_COUNT.plus((int) number(data, "messages")))
              .where(QUERY_TICKET.TENANT_ID.eq(tenant), QUERY_TICKET.ID.eq(event.getSubjectId()))
              .execute();
      case "ticket.deleted" ->
          tx.deleteFrom(QUERY_TICKET)
              .where(QUERY_TICKET.TENANT_ID.eq(tenant), QUERY_TICKET.ID.eq(event.getSubjectId()))
              .execute();
      default -> {
        // Not used by analytics; recorded as applied all the same.
      }
    }
  }

  private static void conversationUpserted(DSLContext tx, Event event, OffsetDateTime now) {
    String tenant = event.getTenantId();
    String id = event.getSubjectId();
    Struct data = event.getData();
    OffsetDateTime created = time(data, "create_time");
    tx.insertInto(CONVERSATION_DAY)
        .set(CONVERSATION_DAY.TENANT_ID, tenant)
        .set(CONVERSATION_DAY.CONVERSATION_ID, id)
        .set(CONVERSATION_DAY.DAY, created.toLocalDate())
        .onConflict(CONVERSATION_DAY.TENANT_ID, CONVERSATION_DAY.CONVERSATION_ID)
        .doUpdate()
        .set(CONVERSATION_DAY.DAY, created.toLocalDate())
        .execute();

    String source = text(data, "source");
    String origin = text(data, "origin");
    var row = tx.newRecord(QUERY_CONVERSATION);
    row.setTenantId(tenant);
    row.setId(id);
    row.setType(inkeepType(text(data, "kind")));
    row.setProjectId(text(data, "project_id"));
    row.setIntegrationId(text(data, "integration_id"));
    row.setProperties(json(data, "properties_json"));
    row.setUserProperties(json(data, "user_properties_json"));
    row.setUserMessageCount((int) number(data, "user_message_count"));
    // Null for a conversation without messages (GitBook allows empty parts).
    row.setFirstMessageTime(time(data, "first_message_time"));
    row.setCreateTime(created);
    row.setSubject(text(data, "title"));
    row.setSource(origin != null ? origin : "integration:" + source + ":unknown");
    row.setExternalUrl(text(data, "external_url"));
    tx.insertInto(QUERY_CONVERSATION)
        .set(row)
        .onConflict(QUERY_CONVERSATION.TENANT_ID, QUERY_CONVERSATION.ID)
        .doUpdate()
        .set(row)
        .execute();

    StringBuilder said = new StringBuilder();
    if (data.containsFields("new_messages")) {
      for (Value message : data.getFieldsOrThrow("new_messages").getListValue().getValuesList()) {
        Struct fields = message.getStructValue();
        if ("user".equals(text(fields, "role"))) {
          String text = text(fields, "text");
          if (text != null && !text.isBlank()) {
            said.append(said.isEmpty() ? "" : "\n").append(text.strip());
          }
        }
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
    String subject = text(data, "title");
    tx.insertInto(ISSUE)
        .set(ISSUE.TENANT_ID, tenant)
        .set(ISSUE.ID, IssueText.issueId(id))
        .set(ISSUE.CONVERSATION_ID, id)
        .set(ISSUE.TITLE, IssueText.title(subject, userText))
        .set(ISSUE.SUMMARY, IssueText.summary(userText))
        .set(ISSUE.USER_TEXT, userText)
        .set(ISSUE.CREATED_AT, created)
        .set(ISSUE.INGESTED_AT, now)
        .onConflict(ISSUE.TENANT_ID, ISSUE.CONVERSATION_ID)
        .doUpdate()
        .set(ISSUE.TITLE, IssueText.title(subject, userText))
        .set(ISSUE.SUMMARY, IssueText.summary(userText))
        .set(ISSUE.USER_TEXT, userText)
        .execute();
    markForClustering(tx, tenant);
  }

  private static void feedbackRecorded(DSLContext tx, Event event) {
    String tenant = event.getTenantId();
    Struct data = event.getData();
    String conversationId = text(data, "conversation_id");
    var conversation =
        tx.select(QUERY_CONVERSATION.PROJECT_ID, QUERY_CONVERSATION.INTEGRATION_ID)
            .from(QUERY_CONVERSATION)
            .where(
                QUERY_CONVERSATION.TENANT_ID.eq(tenant), QUERY_CONVERSATION.ID.eq(conversationId))
            .fetchOne();
    var row = tx.newRecord(QUERY_FEEDBACK);
    row.setTenantId(tenant);
    row.setId(event.getSubjectId());
    row.setType(text(data, "rating").toLowerCase(Locale.ROOT));
    row.setMessageId(text(data, "message_id"));
    row.setConversationId(conversationId);
    row.setReasons(json(data, "reasons_json"));
    row.setSources(json(data, "sources_json"));
    row.setDetails(text(data, "details"));
    row.setProperties(json(data, "properties_json"));
    row.setUserProperties(json(data, "user_properties_json"));
    row.setProjectId(conversation == null ? null : conversation.value1());
    row.setIntegrationId(conversation == null ? null : conversation.value2());
    row.setCreatedAt(time(data, "create_time"));
    OffsetDateTime updated = time(data, "update_time");
    row.setUpdatedAt(updated != null ? updated : time(data, "create_time"));
    tx.insertInto(QUERY_FEEDBACK)
        .set(row)
        .onConflict(QUERY_FEEDBACK.TENANT_ID, QUERY_FEEDBACK.ID)
        .doUpdate()
        .set(row)
        .execute();
  }

  private static void eventLogged(DSLContext tx, Event event) {
    Struct data = event.getData();
    var row = tx.newRecord(QUERY_EVENT);
    row.setTenantId(event.getTenantId());
    row.setId(event.getSubjectId());
    row.setType(text(data, "type"));
    row.setEventType(text(data, "entity_type").toLowerCase(Locale.ROOT));
    row.setMessageId(text(data, "message_id"));
    row.setConversationId(text(data, "conversation_id"));
    row.setSearchQuery(text(data, "search_query"));
    row.setProjectId(text(data, "project_id"));
    row.setIntegrationId(text(data, "integration_id"));
    row.setProperties(json(data, "properties_json"));
    row.setUserProperties(json(data, "user_properties_json"));
    row.setCreatedAt(time(data, "create_time"));
    tx.insertInto(QUERY_EVENT)
        .set(row)
        .onConflict(QUERY_EVENT.TENANT_ID, QUERY_EVENT.ID)
        .doUpdate()
        .set(row)
        .execute();
  }

  /** A ticket's state after its creation or an update; its message count is kept. */
  private static void ticketState(DSLContext tx, Event event) {
    Struct data = event.getData();
    var row = tx.newRecord(QUERY_TICKET);
    row.setTenantId(event.getTenantId());
    row.setId(event.getSubjectId());
    row.setTicketNumber((int) number(data, "ticket_number"));
    row.setStatus(text(data, "status"));
    row.setPriority(text(data, "priority"));
    row.setChannelSource(text(data, "channel_source"));
    row.setAssignee(text(data, "assignee"));
    row.setConversationId(text(data, "conversation_id"));
    row.setDistinctId(text(data, "distinct_id"));
    row.setCreatedAt(time(data, "created_at"));
    row.setUpdatedAt(time(data, "updated_at"));
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
  private static void markForClustering(DSLContext tx, String tenant) {
    tx.insertInto(CLUSTER_REFRESH)
        .set(CLUSTER_REFRESH.TENANT_ID, tenant)
        .set(CLUSTER_REFRESH.VERSION, 1L)
        .onConflict(CLUSTER_REFRESH.TENANT_ID)
        .doUpdate()
        .set(CLUSTER_REFRESH.VERSION, CLUSTER_REFRESH.VERSION.plus(1))
        .execute();
  }

  /** Inkeep's conversation type for a Parley conversation kind. */
  private static String inkeepType(String kind) {
    return switch (kind == null ? "" : kind) {
      case "SUPPORT_TICKET" -> "support_ticket";
      case "SUPPORT_COPILOT" -> "support_copilot";
      default -> "openai";
    };
  }

  private static String text(Struct data, String name) {
    Value value = data.getFieldsOrDefault(name, null);
    return value == null || value.hasNullValue() ? null : value.getStringValue();
  }

  private static double number(Struct data, String name) {
    Value value = data.getFieldsOrDefault(name, null);
    return value == null ? 0 : value.getNumberValue();
  }

  private static JSONB json(Struct data, String name) {
    String text = text(data, name);
    return text == null ? null : JSONB.valueOf(text);
  }

  /** The time of a field, or null when the event has none (absent or JSON null). */
  private static OffsetDateTime time(Struct data, String name) {
    String text = text(data, name);
    return text == null ? null : Instant.parse(text).atOffset(ZoneOffset.UTC);
  }
}
