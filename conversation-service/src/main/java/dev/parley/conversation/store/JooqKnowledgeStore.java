package dev.parley.conversation.store;

import static dev.parley.conversation.store.schema.Tables.KNOWLEDGE_DOCUMENT;
import static java.util.Objects.requireNonNull;

import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.Document;
import dev.parley.conversation.domain.KnowledgeStore;
import dev.parley.conversation.store.schema.tables.records.KnowledgeDocumentRecord;
import dev.parley.platform.db.TenantDatabase;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Knowledge documents in PostgreSQL. Every query names the tenant; RLS backs it up. */
final class JooqKnowledgeStore implements KnowledgeStore {
  private final TenantDatabase database;

  @Inject
  JooqKnowledgeStore(TenantDatabase database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Document create(Document document) {
    KnowledgeDocumentRecord row = new KnowledgeDocumentRecord();
    row.setTenantId(document.tenantId());
    row.setId(document.id());
    row.setTitle(document.title());
    row.setContent(document.content());
    row.setContentType(document.contentType());
    row.setSourceLink(document.sourceLink());
    row.setSizeBytes(document.sizeBytes());
    row.setCreateTime(document.createTime().atOffset(ZoneOffset.UTC));
    row.setUpdateTime(document.updateTime().atOffset(ZoneOffset.UTC));
    return database.inTenant(
        document.tenantId(),
        dsl -> {
          dsl.insertInto(KNOWLEDGE_DOCUMENT).set(row).execute();
          return document;
        });
  }

  @Override
  public Optional<Document> find(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(KNOWLEDGE_DOCUMENT)
                .where(KNOWLEDGE_DOCUMENT.TENANT_ID.eq(tenantId), KNOWLEDGE_DOCUMENT.ID.eq(id))
                .fetchOptional()
                .map(row -> document(row, row.getContent())));
  }

  @Override
  public List<Document> list(String tenantId, Cursor after, int limit) {
    List<Condition> conditions = new ArrayList<>();
    conditions.add(KNOWLEDGE_DOCUMENT.TENANT_ID.eq(tenantId));
    if (after != null) {
      // Newest first, ties by id: the rows after the cursor in that order.
      conditions.add(
          DSL.row(KNOWLEDGE_DOCUMENT.CREATE_TIME, KNOWLEDGE_DOCUMENT.ID)
              .lt(after.time().atOffset(ZoneOffset.UTC), after.id()));
    }
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(
                    KNOWLEDGE_DOCUMENT.TENANT_ID,
                    KNOWLEDGE_DOCUMENT.ID,
                    KNOWLEDGE_DOCUMENT.TITLE,
                    KNOWLEDGE_DOCUMENT.CONTENT_TYPE,
                    KNOWLEDGE_DOCUMENT.SOURCE_LINK,
                    KNOWLEDGE_DOCUMENT.SIZE_BYTES,
                    KNOWLEDGE_DOCUMENT.CREATE_TIME,
                    KNOWLEDGE_DOCUMENT.UPDATE_TIME)
                .from(KNOWLEDGE_DOCUMENT)
                .where(conditions)
                .orderBy(KNOWLEDGE_DOCUMENT.CREATE_TIME.desc(), KNOWLEDGE_DOCUMENT.ID.desc())
                .limit(limit)
                .fetch(row -> document(row, null)));
  }

  @Override
  public boolean delete(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.deleteFrom(KNOWLEDGE_DOCUMENT)
                    .where(KNOWLEDGE_DOCUMENT.TENANT_ID.eq(tenantId), KNOWLEDGE_DOCUMENT.ID.eq(id))
                    .execute()
                > 0);
  }

  private static Document document(Record row, String content) {
    return new Document(
        row.get(KNOWLEDGE_DOCUMENT.TENANT_ID),
        row.get(KNOWLEDGE_DOCUMENT.ID),
        row.get(KNOWLEDGE_DOCUMENT.TITLE),
        content,
        row.get(KNOWLEDGE_DOCUMENT.CONTENT_TYPE),
        row.get(KNOWLEDGE_DOCUMENT.SOURCE_LINK),
        row.get(KNOWLEDGE_DOCUMENT.SIZE_BYTES),
        row.get(KNOWLEDGE_DOCUMENT.CREATE_TIME, OffsetDateTime.class).toInstant(),
        row.get(KNOWLEDGE_DOCUMENT.UPDATE_TIME, OffsetDateTime.class).toInstant());
  }
}
