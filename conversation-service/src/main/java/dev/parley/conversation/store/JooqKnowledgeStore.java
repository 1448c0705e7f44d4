package dev.parley.conversation.store;

import static dev.parley.conversation.store.schema.Tables.KNOWLEDGE_CHUNK;
import static dev.parley.conversation.store.schema.Tables.KNOWLEDGE_DOCUMENT;
import static dev.parley.conversation.store.schema.Tables.KNOWLEDGE_VERSION;
import static java.util.Objects.requireNonNull;

import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.Document;
import dev.parley.conversation.domain.KnowledgeStore;
import dev.parley.conversation.store.schema.tables.KnowledgeChunk;
import dev.parley.conversation.store.schema.tables.records.KnowledgeDocumentRecord;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.embedding.StoredVectors;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record5;
import org.jooq.SelectConditionStep;
import org.jooq.impl.DSL;

/** Knowledge documents in PostgreSQL. Every query names the tenant; RLS backs it up. */
final class JooqKnowledgeStore implements KnowledgeStore {
  /** Passages under an alias, so that the generated search column can be named beside them. */
  private static final KnowledgeChunk CHUNK = KNOWLEDGE_CHUNK.as("c");

  /** A document's columns but its file, which only a preview reads. */
  private static final List<Field<?>> WITHOUT_ORIGINAL =
      Arrays.stream(KNOWLEDGE_DOCUMENT.fields())
          .filter(field -> !field.equals(KNOWLEDGE_DOCUMENT.ORIGINAL))
          .toList();

  private final TenantDatabase database;

  /** Outside any tenant: for finding passages to embed, through the schema's function only. */
  private final DSLContext global;

  @Inject
  JooqKnowledgeStore(TenantDatabase database, DSLContext global) {
    this.database = requireNonNull(database, "database is null");
    this.global = requireNonNull(global, "global is null");
  }

  @Override
  public Document create(Document document, List<String> passages, byte[] original) {
    KnowledgeDocumentRecord row = new KnowledgeDocumentRecord();
    row.setTenantId(document.tenantId());
    row.setId(document.id());
    row.setTitle(document.title());
    row.setContent(document.content());
    row.setContentType(document.contentType());
    row.setSourceLink(document.sourceLink());
    row.setSizeBytes(document.sizeBytes());
    row.setPageCount(document.pageCount());
    row.setOriginal(original);
    row.setCreateTime(document.createTime().atOffset(ZoneOffset.UTC));
    row.setUpdateTime(document.updateTime().atOffset(ZoneOffset.UTC));
    return database.inTenant(
        document.tenantId(),
        dsl -> {
          dsl.insertInto(KNOWLEDGE_DOCUMENT).set(row).execute();
          if (!passages.isEmpty()) {
            var insert =
                dsl.insertInto(
                    KNOWLEDGE_CHUNK,
                    KNOWLEDGE_CHUNK.TENANT_ID,
                    KNOWLEDGE_CHUNK.DOCUMENT_ID,
                    KNOWLEDGE_CHUNK.ORDINAL,
                    KNOWLEDGE_CHUNK.TEXT);
            for (int i = 0; i < passages.size(); i++) {
              insert = insert.values(document.tenantId(), document.id(), i, passages.get(i));
            }
            insert.execute();
          }
          changed(dsl, document.tenantId());
          return document;
        });
  }

  @Override
  public Optional<Document> find(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(WITHOUT_ORIGINAL)
                .from(KNOWLEDGE_DOCUMENT)
                .where(KNOWLEDGE_DOCUMENT.TENANT_ID.eq(tenantId), KNOWLEDGE_DOCUMENT.ID.eq(id))
                .fetchOptional()
                .map(row -> document(row, row.get(KNOWLEDGE_DOCUMENT.CONTENT))));
  }

  @Override
  public Optional<byte[]> original(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(KNOWLEDGE_DOCUMENT.ORIGINAL)
                .from(KNOWLEDGE_DOCUMENT)
                .where(
                    KNOWLEDGE_DOCUMENT.TENANT_ID.eq(tenantId),
                    KNOWLEDGE_DOCUMENT.ID.eq(id),
                    KNOWLEDGE_DOCUMENT.ORIGINAL.isNotNull())
                .fetchOptional(KNOWLEDGE_DOCUMENT.ORIGINAL));
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
                    KNOWLEDGE_DOCUMENT.PAGE_COUNT,
                    KNOWLEDGE_DOCUMENT.CREATE_TIME,
                    KNOWLEDGE_DOCUMENT.UPDATE_TIME)
                .from(KNOWLEDGE_DOCUMENT)
                .where(conditions)
                .orderBy(KNOWLEDGE_DOCUMENT.CREATE_TIME.desc(), KNOWLEDGE_DOCUMENT.ID.desc())
                .limit(limit)
                .fetch(row -> document(row, null)));
  }

  @Override
  public List<Passage> searchText(String tenantId, String query, int limit) {
    // The generated search column is outside jOOQ's model (fenced in the migration).
    Field<Object> search = DSL.field(DSL.name(CHUNK.getName(), "search"));
    Field<Object> matches = DSL.field("websearch_to_tsquery('simple', {0})", DSL.val(query));
    return database.inTenant(
        tenantId,
        dsl ->
            passages(dsl, tenantId, DSL.condition("{0} @@ {1}", search, matches))
                .orderBy(
                    DSL.field("ts_rank({0}, {1})", Double.class, search, matches).desc(),
                    CHUNK.DOCUMENT_ID,
                    CHUNK.ORDINAL)
                .limit(limit)
                .fetch(JooqKnowledgeStore::passage));
  }

  @Override
  public List<EmbeddedPassage> embeddedPassages(String tenantId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(
                    KNOWLEDGE_CHUNK.DOCUMENT_ID, KNOWLEDGE_CHUNK.ORDINAL, KNOWLEDGE_CHUNK.EMBEDDING)
                .from(KNOWLEDGE_CHUNK)
                .where(
                    KNOWLEDGE_CHUNK.TENANT_ID.eq(tenantId), KNOWLEDGE_CHUNK.EMBEDDING.isNotNull())
                .fetch(
                    row ->
                        new EmbeddedPassage(
                            row.value1(), row.value2(), StoredVectors.vector(row.value3()))));
  }

  @Override
  public List<Passage> passages(String tenantId, List<EmbeddedPassage> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<Condition> any = new ArrayList<>();
    for (EmbeddedPassage key : keys) {
      any.add(CHUNK.DOCUMENT_ID.eq(key.documentId()).and(CHUNK.ORDINAL.eq(key.ordinal())));
    }
    return database.inTenant(
        tenantId, dsl -> passages(dsl, tenantId, DSL.or(any)).fetch(JooqKnowledgeStore::passage));
  }

  @Override
  public List<PendingPassage> passagesToEmbed(int limit) {
    return global
        .resultQuery("SELECT * FROM conversation.chunks_to_embed({0})", DSL.val(limit))
        .fetch(
            row ->
                new PendingPassage(
                    row.get("tenant_id", String.class),
                    row.get("document_id", String.class),
                    row.get("ordinal", Integer.class),
                    row.get("text", String.class)));
  }

  @Override
  public void saveEmbeddings(List<PendingPassage> passages, List<float[]> embeddings) {
    Map<String, List<Integer>> byTenant = new LinkedHashMap<>();
    for (int i = 0; i < passages.size(); i++) {
      byTenant.computeIfAbsent(passages.get(i).tenantId(), tenant -> new ArrayList<>()).add(i);
    }
    byTenant.forEach(
        (tenantId, indexes) ->
            database.inTenant(
                tenantId,
                dsl -> {
                  for (int i : indexes) {
                    PendingPassage passage = passages.get(i);
                    dsl.update(KNOWLEDGE_CHUNK)
                        .set(KNOWLEDGE_CHUNK.EMBEDDING, StoredVectors.bytes(embeddings.get(i)))
                        .where(
                            KNOWLEDGE_CHUNK.TENANT_ID.eq(tenantId),
                            KNOWLEDGE_CHUNK.DOCUMENT_ID.eq(passage.documentId()),
                            KNOWLEDGE_CHUNK.ORDINAL.eq(passage.ordinal()))
                        .execute();
                  }
                  changed(dsl, tenantId);
                  return null;
                }));
  }

  @Override
  public long version(String tenantId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(KNOWLEDGE_VERSION.VERSION)
                .from(KNOWLEDGE_VERSION)
                .where(KNOWLEDGE_VERSION.TENANT_ID.eq(tenantId))
                .fetchOptional(KNOWLEDGE_VERSION.VERSION)
                .orElse(0L));
  }

  /** Moves the tenant's knowledge version on, in the transaction of the change. */
  private static void changed(DSLContext dsl, String tenantId) {
    dsl.insertInto(KNOWLEDGE_VERSION)
        .set(KNOWLEDGE_VERSION.TENANT_ID, tenantId)
        .set(KNOWLEDGE_VERSION.VERSION, 1L)
        .onConflict(KNOWLEDGE_VERSION.TENANT_ID)
        .doUpdate()
        .set(KNOWLEDGE_VERSION.VERSION, KNOWLEDGE_VERSION.VERSION.plus(1))
        .execute();
  }

  @Override
  public boolean delete(String tenantId, String id) {
    return database.inTenant(
        tenantId,
        dsl -> {
          boolean deleted =
              dsl.deleteFrom(KNOWLEDGE_DOCUMENT)
                      .where(
                          KNOWLEDGE_DOCUMENT.TENANT_ID.eq(tenantId), KNOWLEDGE_DOCUMENT.ID.eq(id))
                      .execute()
                  > 0;
          if (deleted) {
            changed(dsl, tenantId);
          }
          return deleted;
        });
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
        row.get(KNOWLEDGE_DOCUMENT.PAGE_COUNT),
        row.get(KNOWLEDGE_DOCUMENT.CREATE_TIME, OffsetDateTime.class).toInstant(),
        row.get(KNOWLEDGE_DOCUMENT.UPDATE_TIME, OffsetDateTime.class).toInstant());
  }

  /** The tenant's passages matching the condition, with their documents' titles and links. */
  private static SelectConditionStep<Record5<String, String, String, Integer, String>> passages(
      DSLContext dsl, String tenantId, Condition condition) {
    return dsl.select(
            CHUNK.DOCUMENT_ID,
            KNOWLEDGE_DOCUMENT.TITLE,
            KNOWLEDGE_DOCUMENT.SOURCE_LINK,
            CHUNK.ORDINAL,
            CHUNK.TEXT)
        .from(CHUNK)
        .join(KNOWLEDGE_DOCUMENT)
        .on(
            KNOWLEDGE_DOCUMENT.TENANT_ID.eq(CHUNK.TENANT_ID),
            KNOWLEDGE_DOCUMENT.ID.eq(CHUNK.DOCUMENT_ID))
        .where(CHUNK.TENANT_ID.eq(tenantId), condition);
  }

  private static Passage passage(Record5<String, String, String, Integer, String> row) {
    return new Passage(row.value1(), row.value2(), row.value3(), row.value4(), row.value5());
  }
}
