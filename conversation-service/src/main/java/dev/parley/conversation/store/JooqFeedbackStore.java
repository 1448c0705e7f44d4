package dev.parley.conversation.store;

import static dev.parley.conversation.store.Columns.jsonb;
import static dev.parley.conversation.store.Columns.text;
import static dev.parley.conversation.store.Columns.timestamp;
import static dev.parley.conversation.store.schema.Tables.EVENT;
import static dev.parley.conversation.store.schema.Tables.FEEDBACK;
import static dev.parley.conversation.store.schema.Tables.MESSAGE;
import static java.util.Objects.requireNonNull;

import dev.parley.conversation.domain.Event;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.FeedbackStore;
import dev.parley.conversation.events.ConversationEvents;
import dev.parley.conversation.store.schema.tables.records.EventRecord;
import dev.parley.conversation.store.schema.tables.records.FeedbackRecord;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.events.Outbox;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Feedback and events in PostgreSQL. Every query names the tenant; RLS backs it up. */
final class JooqFeedbackStore implements FeedbackStore {
  private static final Outbox EVENTS = new Outbox("conversation");

  private final TenantDatabase database;

  @Inject
  JooqFeedbackStore(TenantDatabase database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Optional<String> conversationOfMessage(String tenantId, String messageId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(MESSAGE.CONVERSATION_ID)
                .from(MESSAGE)
                .where(MESSAGE.TENANT_ID.eq(tenantId), MESSAGE.ID.eq(messageId))
                .limit(1)
                .fetchOptional(MESSAGE.CONVERSATION_ID));
  }

  @Override
  public boolean hasMessage(String tenantId, String conversationId, String messageId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.fetchExists(
                MESSAGE,
                MESSAGE.TENANT_ID.eq(tenantId),
                MESSAGE.CONVERSATION_ID.eq(conversationId),
                MESSAGE.ID.eq(messageId)));
  }

  @Override
  public List<Feedback> listForConversations(String tenantId, Collection<String> conversationIds) {
    if (conversationIds.isEmpty()) {
      return List.of();
    }
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(FEEDBACK)
                .where(
                    FEEDBACK.TENANT_ID.eq(tenantId), FEEDBACK.CONVERSATION_ID.in(conversationIds))
                .orderBy(FEEDBACK.CREATE_TIME, FEEDBACK.ID)
                .fetch(JooqFeedbackStore::feedback));
  }

  @Override
  public Optional<Feedback> find(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(FEEDBACK)
                .where(FEEDBACK.TENANT_ID.eq(tenantId), FEEDBACK.ID.eq(id))
                .fetchOptional()
                .map(JooqFeedbackStore::feedback));
  }

  @Override
  public List<Feedback> list(String tenantId, Feedback.Rating rating, int offset, int limit) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(FEEDBACK)
                .where(FEEDBACK.TENANT_ID.eq(tenantId), FEEDBACK.RATING.eq(rating.name()))
                .orderBy(FEEDBACK.CREATE_TIME.desc(), FEEDBACK.ID.desc())
                .limit(limit)
                .offset(offset)
                .fetch(JooqFeedbackStore::feedback));
  }

  @Override
  public int count(String tenantId, Feedback.Rating rating) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.fetchCount(
                FEEDBACK, FEEDBACK.TENANT_ID.eq(tenantId), FEEDBACK.RATING.eq(rating.name())));
  }

  @Override
  public Feedback save(Feedback feedback) {
    FeedbackRecord row = new FeedbackRecord();
    row.setTenantId(feedback.tenantId());
    row.setId(feedback.id());
    row.setConversationId(feedback.conversationId());
    row.setMessageId(feedback.messageId());
    row.setRating(feedback.rating().name());
    row.setReasonsJson(jsonb(feedback.reasonsJson()));
    row.setDetails(feedback.details());
    row.setSourcesJson(jsonb(feedback.sourcesJson()));
    row.setPropertiesJson(jsonb(feedback.propertiesJson()));
    row.setUserPropertiesJson(jsonb(feedback.userPropertiesJson()));
    row.setAuthor(feedback.author().name());
    row.setCreateTime(timestamp(feedback.createTime()));
    row.setUpdateTime(timestamp(feedback.updateTime()));
    return database.inTenant(
        feedback.tenantId(),
        dsl -> {
          dsl.insertInto(FEEDBACK)
              .set(row)
              .onConflict(FEEDBACK.TENANT_ID, FEEDBACK.ID)
              .doUpdate()
              .set(row)
              .execute();
          EVENTS.append(
              dsl,
              feedback.tenantId(),
              feedback.id(),
              ConversationEvents.feedbackRecorded(feedback));
          return feedback;
        });
  }

  @Override
  public boolean delete(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl -> {
          boolean deleted =
              dsl.deleteFrom(FEEDBACK)
                      .where(FEEDBACK.TENANT_ID.eq(tenantId), FEEDBACK.ID.eq(id))
                      .execute()
                  > 0;
          if (deleted) {
            EVENTS.append(dsl, tenantId, id, ConversationEvents.feedbackDeleted());
          }
          return deleted;
        });
  }

  @Override
  public Event save(Event event) {
    EventRecord row = new EventRecord();
    row.setTenantId(event.tenantId());
    row.setId(event.id());
    row.setType(event.type());
    row.setEntityType(event.entityType().name());
    row.setMessageId(event.messageId());
    row.setConversationId(event.conversationId());
    row.setSearchQuery(event.searchQuery());
    row.setProjectId(event.projectId());
    row.setIntegrationId(event.integrationId());
    row.setPropertiesJson(jsonb(event.propertiesJson()));
    row.setUserPropertiesJson(jsonb(event.userPropertiesJson()));
    row.setCreateTime(timestamp(event.createTime()));
    return database.inTenant(
        event.tenantId(),
        dsl -> {
          dsl.insertInto(EVENT)
              .set(row)
              .onConflict(EVENT.TENANT_ID, EVENT.ID)
              .doUpdate()
              .set(row)
              .execute();
          EVENTS.append(dsl, event.tenantId(), event.id(), ConversationEvents.eventLogged(event));
          return event;
        });
  }

  private static Feedback feedback(FeedbackRecord row) {
    return new Feedback(
        row.getTenantId(),
        row.getId(),
        row.getConversationId(),
        row.getMessageId(),
        Feedback.Rating.valueOf(row.getRating()),
        text(row.getReasonsJson()),
        row.getDetails(),
        text(row.getSourcesJson()),
        text(row.getPropertiesJson()),
        text(row.getUserPropertiesJson()),
        Feedback.Author.valueOf(row.getAuthor()),
        row.getCreateTime().toInstant(),
        row.getUpdateTime().toInstant());
  }
}
