package dev.parley.conversation.store;

import static dev.parley.conversation.store.Columns.jsonb;
import static dev.parley.conversation.store.Columns.text;
import static dev.parley.conversation.store.Columns.timestamp;
import static dev.parley.conversation.store.schema.Tables.MESSAGE;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.ConversationStore;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Visibility;
import dev.parley.conversation.store.schema.tables.records.ConversationRecord;
import dev.parley.conversation.store.schema.tables.records.MessageRecord;
import dev.parley.platform.db.TenantDatabase;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep16;
import org.jooq.JSONB;
import org.jooq.SelectConditionStep;
import org.jooq.impl.DSL;

/** Conversations in PostgreSQL. Every query names the tenant; RLS backs it up. */
final class JooqConversationStore implements ConversationStore {
  // The generator names the table CONVERSATION_ because its schema is also "conversation".
  private static final dev.parley.conversation.store.schema.tables.Conversation CONVERSATION =
      dev.parley.conversation.store.schema.Tables.CONVERSATION_;

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
                  .where(CONVERSATION.TENANT_ID.eq(tenantId), CONVERSATION.ID.eq(id))
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
                      CONVERSATION.TENANT_ID.eq(tenantId), CONVERSATION.EXTERNAL_ID.eq(externalId))
                  .fetchOne();
          if (row == null) {
            return Optional.empty();
          }
          return Optional.of(withMessages(dsl, tenantId, List.of(row), true).getFirst());
        });
  }

  @Override
  public List<Conversation> findAll(String tenantId, java.util.Collection<String> ids) {
    return database.inTenant(
        tenantId,
        dsl ->
            withMessages(
                dsl,
                tenantId,
                dsl.selectFrom(CONVERSATION)
                    .where(CONVERSATION.TENANT_ID.eq(tenantId), CONVERSATION.ID.in(ids))
                    .fetch(),
                true));
  }

  @Override
  public List<Conversation> list(String tenantId, PageRequest page, boolean withMessages) {
    return database.inTenant(
        tenantId,
        dsl -> {
          SelectConditionStep<ConversationRecord> query =
              dsl.selectFrom(CONVERSATION).where(CONVERSATION.TENANT_ID.eq(tenantId));
          if (page.origin() != null) {
            query = query.and(CONVERSATION.ORIGIN.eq(page.origin()));
          }
          if (page.after() != null) {
            query =
                query.and(
                    DSL.row(CONVERSATION.CREATE_TIME, CONVERSATION.ID)
                        .lt(timestamp(page.after().createTime()), page.after().id()));
          }
          List<ConversationRecord> rows =
              query
                  .orderBy(CONVERSATION.CREATE_TIME.desc(), CONVERSATION.ID.desc())
                  .limit(page.limit())
                  .offset(page.offset())
                  .fetch();
          return withMessages(dsl, tenantId, rows, withMessages);
        });
  }

  @Override
  public int count(String tenantId, String origin) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.fetchCount(
                CONVERSATION,
                CONVERSATION.TENANT_ID.eq(tenantId),
                origin == null ? DSL.noCondition() : CONVERSATION.ORIGIN.eq(origin)));
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
          replaceMessages(dsl, changed, existing == null ? List.of() : existing.messages());
          return changed;
        });
  }

  @Override
  public boolean delete(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.deleteFrom(CONVERSATION)
                    .where(CONVERSATION.TENANT_ID.eq(tenantId), CONVERSATION.ID.eq(id))
                    .execute()
                > 0);
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
    Map<String, List<Message>> messages = new LinkedHashMap<>();
    rows.forEach(row -> messages.put(row.getId(), new ArrayList<>()));
    if (load && !rows.isEmpty()) {
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
    row.setMessageCount(conversation.messages().size());
    row.setCreateTime(timestamp(conversation.createTime()));
    row.setUpdateTime(timestamp(conversation.updateTime()));
    return row;
  }

  private static Conversation conversation(ConversationRecord row, List<Message> messages) {
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
        row.getCreateTime().toInstant(),
        row.getUpdateTime().toInstant(),
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
