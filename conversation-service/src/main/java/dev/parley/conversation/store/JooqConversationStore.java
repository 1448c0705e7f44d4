package dev.parley.conversation.store;

import static dev.parley.conversation.store.Columns.jsonb;
import static dev.parley.conversation.store.Columns.text;
import static dev.parley.conversation.store.Columns.timestamp;
import static dev.parley.conversation.store.schema.Tables.MESSAGE;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.ConversationStore;
import dev.parley.conversation.domain.EndUser;
import dev.parley.conversation.domain.Handling;
import dev.parley.conversation.domain.HandlingChange;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.conversation.domain.Visibility;
import dev.parley.conversation.events.ConversationEvents;
import dev.parley.conversation.store.schema.Tables;
import dev.parley.conversation.store.schema.tables.records.ConversationRecord;
import dev.parley.conversation.store.schema.tables.records.MessageRecord;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.events.Outbox;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStep16;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/** Conversations in PostgreSQL. Every query names the tenant; RLS backs it up. */
final class JooqConversationStore implements ConversationStore {
  private static final Outbox EVENTS = new Outbox("conversation");

  // The generator names the table CONVERSATION_ because its schema is also "conversation".
  static final dev.parley.conversation.store.schema.tables.Conversation CONVERSATION =
      Tables.CONVERSATION_;

  private final TenantDatabase database;

  @Inject
  JooqConversationStore(TenantDatabase database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Optional<Conversation> find(String tenantId, String id, boolean withMessages) {
    return database.inTenant(
        tenantId,
        dsl -> {
          ConversationRecord row =
              dsl.selectFrom(CONVERSATION)
                  .where(
                      CONVERSATION.TENANT_ID.eq(tenantId),
                      CONVERSATION.ID.eq(id),
                      CONVERSATION.DELETE_TIME.isNull())
                  .fetchOne();
          if (row == null) {
            return Optional.empty();
          }
          return Optional.of(withMessages(dsl, tenantId, List.of(row), withMessages).getFirst());
        });
  }

  @Override
  public Optional<Conversation> findByExternalId(String tenantId, String externalId) {
    return database.inTenant(
        tenantId,
        dsl -> {
          ConversationRecord row =
              dsl.selectFrom(CONVERSATION)
                  .where(
                      CONVERSATION.TENANT_ID.eq(tenantId),
                      CONVERSATION.EXTERNAL_ID.eq(externalId),
                      CONVERSATION.DELETE_TIME.isNull())
                  .fetchOne();
          if (row == null) {
            return Optional.empty();
          }
          return Optional.of(withMessages(dsl, tenantId, List.of(row), true).getFirst());
        });
  }

  @Override
  public List<Conversation> findAll(String tenantId, Collection<String> ids) {
    return database.inTenant(
        tenantId,
        dsl ->
            withMessages(
                dsl,
                tenantId,
                dsl.selectFrom(CONVERSATION)
                    .where(
                        CONVERSATION.TENANT_ID.eq(tenantId),
                        CONVERSATION.ID.in(ids),
                        CONVERSATION.DELETE_TIME.isNull())
                    .fetch(),
                true));
  }

  @Override
  public List<Conversation> list(String tenantId, Query query, boolean withMessages) {
    return database.inTenant(
        tenantId,
        dsl -> {
          Field<OffsetDateTime> time = sortTime(query.order());
          Condition condition = matching(tenantId, query.filter());
          if (query.after() != null) {
            var key = DSL.row(time, CONVERSATION.ID);
            var after = DSL.row(timestamp(query.after().time()), query.after().id());
            condition = condition.and(query.order().descending() ? key.lt(after) : key.gt(after));
          }
          List<ConversationRecord> rows =
              dsl.selectFrom(CONVERSATION)
                  .where(condition)
                  .orderBy(
                      query.order().descending()
                          ? List.of(time.desc(), CONVERSATION.ID.desc())
                          : List.of(time.asc(), CONVERSATION.ID.asc()))
                  .limit(query.limit())
                  .offset(query.offset())
                  .fetch();
          return withMessages(dsl, tenantId, rows, withMessages, query.latestMessages());
        });
  }

  @Override
  public int count(String tenantId, ConversationFilter filter) {
    return database.inTenant(
        tenantId, dsl -> dsl.fetchCount(CONVERSATION, matching(tenantId, filter)));
  }

  @Override
  public int update(
      String tenantId,
      ConversationFilter filter,
      String title,
      HandlingChange handling,
      Instant now) {
    Map<Field<?>, Object> changes = new LinkedHashMap<>();
    if (title != null) {
      changes.put(CONVERSATION.TITLE, title);
    }
    if (handling != null) {
      put(changes, CONVERSATION.STATE, handling.state());
      put(changes, CONVERSATION.ASSIGNEE, handling.assignee());
      if (handling.categories() != null) {
        changes.put(CONVERSATION.CATEGORIES_JSON, JsonText.ofStrings(handling.categories()));
      }
      put(changes, CONVERSATION.END_USER_ID, handling.endUserId());
      put(changes, CONVERSATION.END_USER_EMAIL, handling.endUserEmail());
      put(changes, CONVERSATION.TICKET_ID, handling.ticketId());
    }
    changes.put(CONVERSATION.UPDATE_TIME, timestamp(now));
    return database.inTenant(
        tenantId,
        dsl -> {
          List<String> updated =
              dsl.update(CONVERSATION)
                  .set(changes)
                  .where(matching(tenantId, filter))
                  .returning(CONVERSATION.ID)
                  .fetch(CONVERSATION.ID);
          EVENTS.appendAll(dsl, tenantId, updated, ConversationEvents.updated(title, handling));
          return updated.size();
        });
  }

  @Override
  public List<String> delete(String tenantId, ConversationFilter filter) {
    return database.inTenant(
        tenantId,
        dsl -> {
          List<String> deleted =
              dsl.deleteFrom(CONVERSATION)
                  .where(matching(tenantId, filter))
                  .returning(CONVERSATION.ID)
                  .fetch(CONVERSATION.ID);
          EVENTS.appendAll(dsl, tenantId, deleted, ConversationEvents.deleted(false));
          return deleted;
        });
  }

  @Override
  public boolean softDeleted(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.fetchExists(
                CONVERSATION,
                CONVERSATION.TENANT_ID.eq(tenantId),
                CONVERSATION.ID.eq(id),
                CONVERSATION.DELETE_TIME.isNotNull()));
  }

  @Override
  public boolean softDelete(String tenantId, String id, Instant now) {
    return database.inTenant(
        tenantId,
        dsl -> {
          boolean deleted =
              dsl.update(CONVERSATION)
                      .set(CONVERSATION.DELETE_TIME, timestamp(now))
                      .where(
                          CONVERSATION.TENANT_ID.eq(tenantId),
                          CONVERSATION.ID.eq(id),
                          CONVERSATION.DELETE_TIME.isNull())
                      .execute()
                  > 0;
          if (deleted) {
            EVENTS.append(dsl, tenantId, id, ConversationEvents.deleted(true));
          }
          return deleted;
        });
  }

  @Override
  public List<EndUser> endUsers(String tenantId, Collection<String> ids) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.resultQuery(
                    """
                    SELECT DISTINCT ON (end_user_id)
                           end_user_id, end_user_email, user_properties_json,
                           min(create_time) OVER (PARTITION BY end_user_id) AS first_seen,
                           count(*) OVER (PARTITION BY end_user_id) AS conversations
                      FROM conversation.conversation
                     WHERE tenant_id = {0} AND end_user_id = ANY({1}) AND delete_time IS NULL
                     ORDER BY end_user_id, create_time DESC
                    """,
                    DSL.val(tenantId), DSL.val(ids.toArray(String[]::new)))
                .fetch(
                    row ->
                        new EndUser(
                            row.get(0, String.class),
                            row.get(1, String.class),
                            row.get(2, String.class),
                            row.get(3, OffsetDateTime.class).toInstant(),
                            row.get(4, Integer.class))));
  }

  @Override
  public List<SearchHit> search(String tenantId, String query, int limit) {
    return database.inTenant(tenantId, dsl -> ConversationSearch.run(dsl, tenantId, query, limit));
  }

  /** The condition selecting a tenant's visible conversations that match the filter. */
  private static Condition matching(String tenantId, ConversationFilter filter) {
    List<Condition> conditions = new ArrayList<>();
    conditions.add(CONVERSATION.TENANT_ID.eq(tenantId));
    conditions.add(CONVERSATION.DELETE_TIME.isNull());
    if (filter.ids() != null) {
      conditions.add(CONVERSATION.ID.in(filter.ids()));
    }
    if (filter.origin() != null) {
      conditions.add(CONVERSATION.ORIGIN.eq(filter.origin()));
    }
    if (filter.integrationIds() != null) {
      conditions.add(CONVERSATION.INTEGRATION_ID.in(filter.integrationIds()));
    }
    if (filter.endUserIds() != null) {
      conditions.add(CONVERSATION.END_USER_ID.in(filter.endUserIds()));
    }
    if (filter.anyCategories() != null) {
      conditions.add(
          DSL.or(
              filter.anyCategories().stream()
                  .map(
                      category ->
                          DSL.condition(
                              "{0} @> {1}",
                              CONVERSATION.CATEGORIES_JSON,
                              DSL.val(JsonText.ofStrings(List.of(category)))))
                  .toList()));
    }
    if (filter.state() != null) {
      conditions.add(CONVERSATION.STATE.eq(filter.state()));
    }
    if (filter.assignee() != null) {
      conditions.add(CONVERSATION.ASSIGNEE.eq(filter.assignee()));
    }
    addRange(conditions, CONVERSATION.LAST_MESSAGE_TIME, filter.activeFrom(), filter.activeUntil());
    addRange(conditions, CONVERSATION.CREATE_TIME, filter.createdFrom(), filter.createdUntil());
    if (filter.text() != null) {
      conditions.add(ConversationSearch.matches(CONVERSATION, filter.text()));
    }
    if (filter.openOnly()) {
      conditions.add(
          CONVERSATION
              .STATE
              .isNull()
              .or(
                  DSL.lower(CONVERSATION.STATE)
                      .notLike("end%")
                      .and(DSL.lower(CONVERSATION.STATE).notIn("closed", "resolved"))));
    }
    return DSL.and(conditions);
  }

  private static void addRange(
      List<Condition> conditions, Field<OffsetDateTime> field, Instant from, Instant until) {
    if (from != null) {
      conditions.add(field.ge(timestamp(from)));
    }
    if (until != null) {
      conditions.add(field.le(timestamp(until)));
    }
  }

  /** A null value leaves the column; an empty string clears it. */
  /** The column's new value for a cleared or set field; nothing for a kept one. */
  private static void put(Map<Field<?>, Object> changes, Field<String> field, Edit edit) {
    switch (edit) {
      case Edit.Keep keep -> {}
      case Edit.Clear clear -> changes.put(field, null);
      case Edit.To to -> changes.put(field, to.value());
    }
  }

  private static Field<OffsetDateTime> sortTime(SortOrder order) {
    return switch (order.key()) {
      case CREATED -> CONVERSATION.CREATE_TIME;
      case UPDATED -> CONVERSATION.UPDATE_TIME;
      case ACTIVITY -> CONVERSATION.LAST_MESSAGE_TIME;
    };
  }

  @Override
  public Conversation save(Conversation conversation) {
    return change(conversation.tenantId(), conversation.id(), existing -> conversation);
  }

  @Override
  public Conversation change(String tenantId, String id, UnaryOperator<Conversation> change) {
    return database.inTenant(
        tenantId,
        dsl -> {
          ConversationRecord row =
              dsl.selectFrom(CONVERSATION)
                  .where(CONVERSATION.TENANT_ID.eq(tenantId), CONVERSATION.ID.eq(id))
                  .forUpdate()
                  .fetchOne();
          if (row != null && row.getDeleteTime() != null) {
            // A soft-deleted conversation is gone for every reader: writing its id starts afresh.
            dsl.deleteFrom(CONVERSATION)
                .where(CONVERSATION.TENANT_ID.eq(tenantId), CONVERSATION.ID.eq(id))
                .execute();
            row = null;
          }
          Conversation existing =
              row == null ? null : withMessages(dsl, tenantId, List.of(row), true).getFirst();
          Conversation changed = change.apply(existing);
          ConversationRecord changedRow = conversationRecord(changed);
          dsl.insertInto(CONVERSATION)
              .set(changedRow)
              .onConflict(CONVERSATION.TENANT_ID, CONVERSATION.ID)
              .doUpdate()
              .set(changedRow)
              .execute();
          List<Message> before = existing == null ? List.of() : existing.messages();
          replaceMessages(dsl, changed, before);
          EVENTS.append(
              dsl, tenantId, id, ConversationEvents.upserted(changed, before, existing == null));
          return changed;
        });
  }

  /**
   * One statement removes the dropped messages (by their full keys, known from the stored list;
   * none on a plain re-log), one writes all the others: never one statement per message.
   */
  private static void replaceMessages(
      DSLContext dsl, Conversation conversation, List<Message> stored) {
    Set<String> ids = conversation.messages().stream().map(Message::id).collect(Collectors.toSet());
    List<String> dropped =
        stored.stream().map(Message::id).filter(id -> !ids.contains(id)).toList();
    if (!dropped.isEmpty()) {
      dsl.deleteFrom(MESSAGE)
          .where(
              MESSAGE.TENANT_ID.eq(conversation.tenantId()),
              MESSAGE.CONVERSATION_ID.eq(conversation.id()),
              MESSAGE.ID.in(dropped))
          .execute();
    }
    if (ids.isEmpty()) {
      return;
    }
    var insert =
        dsl.insertInto(
            MESSAGE,
            MESSAGE.TENANT_ID,
            MESSAGE.CONVERSATION_ID,
            MESSAGE.ID,
            MESSAGE.POSITION,
            MESSAGE.PARENT_ID,
            MESSAGE.ROLE,
            MESSAGE.CONTENT_JSON,
            MESSAGE.NAME,
            MESSAGE.EXTERNAL_ID,
            MESSAGE.EXTERNAL_URL,
            MESSAGE.LINKS_JSON,
            MESSAGE.TOOL_CALLS_JSON,
            MESSAGE.PROPERTIES_JSON,
            MESSAGE.USER_PROPERTIES_JSON,
            MESSAGE.CREATE_TIME,
            MESSAGE.UPDATE_TIME);
    InsertValuesStep16<
            MessageRecord,
            String,
            String,
            String,
            Integer,
            String,
            String,
            JSONB,
            String,
            String,
            String,
            JSONB,
            JSONB,
            JSONB,
            JSONB,
            OffsetDateTime,
            OffsetDateTime>
        values = null;
    int position = 0;
    for (Message message : conversation.messages()) {
      var step = values == null ? insert : values;
      values =
          step.values(
              conversation.tenantId(),
              conversation.id(),
              message.id(),
              position++,
              message.parentId(),
              message.role(),
              jsonb(message.contentJson()),
              message.name(),
              message.externalId(),
              message.externalUrl(),
              jsonb(message.linksJson()),
              jsonb(message.toolCallsJson()),
              jsonb(message.propertiesJson()),
              jsonb(message.userPropertiesJson()),
              timestamp(message.createTime()),
              timestamp(message.updateTime()));
    }
    values
        .onConflict(MESSAGE.TENANT_ID, MESSAGE.CONVERSATION_ID, MESSAGE.ID)
        .doUpdate()
        .set(MESSAGE.POSITION, DSL.excluded(MESSAGE.POSITION))
        .set(MESSAGE.PARENT_ID, DSL.excluded(MESSAGE.PARENT_ID))
        .set(MESSAGE.ROLE, DSL.excluded(MESSAGE.ROLE))
        .set(MESSAGE.CONTENT_JSON, DSL.excluded(MESSAGE.CONTENT_JSON))
        .set(MESSAGE.NAME, DSL.excluded(MESSAGE.NAME))
        .set(MESSAGE.EXTERNAL_ID, DSL.excluded(MESSAGE.EXTERNAL_ID))
        .set(MESSAGE.EXTERNAL_URL, DSL.excluded(MESSAGE.EXTERNAL_URL))
        .set(MESSAGE.LINKS_JSON, DSL.excluded(MESSAGE.LINKS_JSON))
        .set(MESSAGE.TOOL_CALLS_JSON, DSL.excluded(MESSAGE.TOOL_CALLS_JSON))
        .set(MESSAGE.PROPERTIES_JSON, DSL.excluded(MESSAGE.PROPERTIES_JSON))
        .set(MESSAGE.USER_PROPERTIES_JSON, DSL.excluded(MESSAGE.USER_PROPERTIES_JSON))
        .set(MESSAGE.CREATE_TIME, DSL.excluded(MESSAGE.CREATE_TIME))
        .set(MESSAGE.UPDATE_TIME, DSL.excluded(MESSAGE.UPDATE_TIME))
        .execute();
  }

  /** Loads the messages of all given conversations in one query, in order. */
  private static List<Conversation> withMessages(
      DSLContext dsl, String tenantId, List<ConversationRecord> rows, boolean load) {
    return withMessages(dsl, tenantId, rows, load, 0);
  }

  /**
   * Loads the messages of all given conversations in one query, in order: the latest {@code latest}
   * of each (all when 0).
   */
  private static List<Conversation> withMessages(
      DSLContext dsl, String tenantId, List<ConversationRecord> rows, boolean load, int latest) {
    Map<String, List<Message>> messages = new LinkedHashMap<>();
    rows.forEach(row -> messages.put(row.getId(), new ArrayList<>()));
    if (load && latest > 0 && !rows.isEmpty()) {
      // Each conversation's latest messages, read backwards along the message_position index:
      // never more rows than asked for, however long the conversations are.
      dsl.resultQuery(
              """
              SELECT m.* FROM unnest({0}::varchar[]) AS c(id)
              CROSS JOIN LATERAL (
                SELECT * FROM conversation.message
                 WHERE tenant_id = {1} AND conversation_id = c.id
                 ORDER BY position DESC
                 LIMIT {2}) AS m
              """,
              DSL.val(messages.keySet().toArray(String[]::new)), DSL.val(tenantId), DSL.val(latest))
          .fetchInto(MESSAGE)
          .sortAsc(MESSAGE.POSITION)
          .forEach(row -> messages.get(row.getConversationId()).add(message(row)));
    } else if (load && !rows.isEmpty()) {
      // Sorted here rather than in SQL: with an ORDER BY, PostgreSQL may walk the tenant's whole
      // position index instead of looking up these conversations' messages by key.
      dsl.selectFrom(MESSAGE)
          .where(MESSAGE.TENANT_ID.eq(tenantId), MESSAGE.CONVERSATION_ID.in(messages.keySet()))
          .fetch()
          .sortAsc(MESSAGE.POSITION)
          .forEach(row -> messages.get(row.getConversationId()).add(message(row)));
    }
    ImmutableList.Builder<Conversation> conversations = ImmutableList.builder();
    for (ConversationRecord row : rows) {
      conversations.add(conversation(row, messages.get(row.getId())));
    }
    return conversations.build();
  }

  private static ConversationRecord conversationRecord(Conversation conversation) {
    ConversationRecord row = new ConversationRecord();
    row.setTenantId(conversation.tenantId());
    row.setId(conversation.id());
    row.setExternalId(conversation.externalId());
    row.setExternalUrl(conversation.externalUrl());
    row.setKind(conversation.kind().name());
    row.setTitle(conversation.title());
    row.setSource(conversation.source());
    row.setOrigin(conversation.origin());
    row.setVisibility(conversation.visibility() == null ? null : conversation.visibility().name());
    row.setSupportTicketConversationId(conversation.supportTicketConversationId());
    row.setProjectId(conversation.projectId());
    row.setIntegrationId(conversation.integrationId());
    row.setPropertiesJson(jsonb(conversation.propertiesJson()));
    row.setUserPropertiesJson(jsonb(conversation.userPropertiesJson()));
    row.setTagsJson(conversation.tags() == null ? null : JsonText.ofStrings(conversation.tags()));
    Handling handling = conversation.handling();
    row.setState(handling.state());
    row.setAssignee(handling.assignee());
    row.setCategoriesJson(
        handling.categories() == null ? null : JsonText.ofStrings(handling.categories()));
    row.setEndUserId(handling.endUserId());
    row.setEndUserEmail(handling.endUserEmail());
    row.setTicketId(handling.ticketId());
    row.setMessageCount(conversation.messages().size());
    row.setCreateTime(timestamp(conversation.createTime()));
    row.setUpdateTime(timestamp(conversation.updateTime()));
    row.setLastMessageTime(
        timestamp(
            conversation.lastMessageTime() != null
                ? conversation.lastMessageTime()
                : conversation.createTime()));
    row.setDeleteTime(null);
    return row;
  }

  static Conversation conversation(ConversationRecord row, List<Message> messages) {
    return new Conversation(
        row.getTenantId(),
        row.getId(),
        row.getExternalId(),
        row.getExternalUrl(),
        ConversationKind.valueOf(row.getKind()),
        row.getTitle(),
        row.getSource(),
        row.getOrigin(),
        row.getVisibility() == null ? null : Visibility.valueOf(row.getVisibility()),
        row.getSupportTicketConversationId(),
        row.getProjectId(),
        row.getIntegrationId(),
        text(row.getPropertiesJson()),
        text(row.getUserPropertiesJson()),
        row.getTagsJson() == null ? null : JsonText.toStrings(row.getTagsJson().data()),
        new Handling(
            row.getState(),
            row.getAssignee(),
            row.getCategoriesJson() == null
                ? null
                : JsonText.toStrings(row.getCategoriesJson().data()),
            row.getEndUserId(),
            row.getEndUserEmail(),
            row.getTicketId()),
        row.getCreateTime().toInstant(),
        row.getUpdateTime().toInstant(),
        row.getMessageCount() == 0 ? null : row.getLastMessageTime().toInstant(),
        row.getMessageCount(),
        messages);
  }

  private static Message message(MessageRecord row) {
    return new Message(
        row.getId(),
        row.getParentId(),
        row.getRole(),
        text(row.getContentJson()),
        row.getName(),
        row.getExternalId(),
        row.getExternalUrl(),
        text(row.getLinksJson()),
        text(row.getToolCallsJson()),
        text(row.getPropertiesJson()),
        text(row.getUserPropertiesJson()),
        row.getCreateTime().toInstant(),
        row.getUpdateTime().toInstant());
  }
}
