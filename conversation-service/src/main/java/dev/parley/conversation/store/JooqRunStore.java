package dev.parley.conversation.store;

import static dev.parley.conversation.store.schema.Tables.ASSISTANT_RUN;
import static dev.parley.conversation.store.schema.Tables.ASSISTANT_RUN_EVENT;
import static dev.parley.conversation.store.schema.Tables.QUEUED_MESSAGE;
import static dev.parley.conversation.store.schema.Tables.RELATED_DOCUMENT;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.conversation.domain.QueuedMessage;
import dev.parley.conversation.domain.RelatedDocument;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.RunEvent;
import dev.parley.conversation.domain.RunStore;
import dev.parley.conversation.domain.Source;
import dev.parley.conversation.events.ConversationEvents;
import dev.parley.conversation.store.schema.tables.records.AssistantRunRecord;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.events.Outbox;
import dev.parley.platform.proto.ProtoJson;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/**
 * Assistant runs in PostgreSQL. Every query names the tenant; RLS backs it up. Events are kept as
 * JSON objects of their fields (a run as its columns), read back into the domain's events.
 */
final class JooqRunStore implements RunStore {
  private static final Outbox EVENTS = new Outbox("conversation");

  private final TenantDatabase database;

  /** Outside any tenant: for the orphan sweep, through the schema's function only. */
  private final DSLContext global;

  @Inject
  JooqRunStore(TenantDatabase database, DSLContext global) {
    this.database = requireNonNull(database, "database is null");
    this.global = requireNonNull(global, "global is null");
  }

  @Override
  public boolean insert(Run run, String owner) {
    return insert(run, owner, null);
  }

  @Override
  public boolean insert(Run run, String owner, String queuedMessageId) {
    AssistantRunRecord row = record(run);
    row.setOwner(owner);
    row.setHeartbeatTime(OffsetDateTime.now(ZoneOffset.UTC));
    try {
      return database.inTenant(
          run.tenantId(),
          dsl -> {
            if (queuedMessageId != null
                && dsl.deleteFrom(QUEUED_MESSAGE)
                        .where(
                            QUEUED_MESSAGE.TENANT_ID.eq(run.tenantId()),
                            QUEUED_MESSAGE.CONVERSATION_ID.eq(run.conversationId()),
                            QUEUED_MESSAGE.ID.eq(queuedMessageId))
                        .execute()
                    == 0) {
              return false; // another replica ran it, or it was withdrawn
            }
            dsl.insertInto(ASSISTANT_RUN).set(row).execute();
            return true;
          });
    } catch (IntegrityConstraintViolationException e) {
      return false; // the conversation's active run holds the unique index
    }
  }

  @Override
  public Map<String, ActiveRun> activeRuns(String tenantId, Collection<String> conversationIds) {
    if (conversationIds.isEmpty()) {
      return Map.of();
    }
    return database.inTenant(
        tenantId,
        dsl ->
            dsl
                .select(
                    ASSISTANT_RUN.ID, ASSISTANT_RUN.CONVERSATION_ID, ASSISTANT_RUN.CANCEL_REQUESTED)
                .from(ASSISTANT_RUN)
                .where(
                    ASSISTANT_RUN.TENANT_ID.eq(tenantId),
                    ASSISTANT_RUN.CONVERSATION_ID.in(conversationIds),
                    ASSISTANT_RUN.STATUS.in(
                        Run.Status.QUEUED.stored(), Run.Status.RUNNING.stored()))
                .fetch()
                .stream()
                .collect(
                    Collectors.toMap(
                        row -> row.value2(),
                        row ->
                            new ActiveRun(
                                row.value1(), row.value2(), Boolean.TRUE.equals(row.value3())),
                        (first, second) -> first)));
  }

  @Override
  public List<QueuedMessage> queue(String tenantId, String conversationId) {
    return database.inTenant(tenantId, dsl -> queue(dsl, tenantId, conversationId));
  }

  private static List<QueuedMessage> queue(DSLContext dsl, String tenantId, String conversationId) {
    return dsl.selectFrom(QUEUED_MESSAGE)
        .where(
            QUEUED_MESSAGE.TENANT_ID.eq(tenantId),
            QUEUED_MESSAGE.CONVERSATION_ID.eq(conversationId),
            QUEUED_MESSAGE.EXPIRE_TIME.gt(DSL.currentOffsetDateTime()))
        .orderBy(QUEUED_MESSAGE.CREATE_TIME, QUEUED_MESSAGE.ID)
        .fetch(
            row ->
                new QueuedMessage(
                    row.getId(),
                    row.getContent(),
                    row.getContext().data(),
                    row.getCreateTime().toInstant(),
                    row.getExpireTime().toInstant()));
  }

  @Override
  public boolean enqueue(String tenantId, String conversationId, QueuedMessage message, int max) {
    return database.inTenant(
        tenantId,
        dsl -> {
          // One change at a time per conversation: the count below holds until commit.
          dsl.select(JooqConversationStore.CONVERSATION.ID)
              .from(JooqConversationStore.CONVERSATION)
              .where(
                  JooqConversationStore.CONVERSATION.TENANT_ID.eq(tenantId),
                  JooqConversationStore.CONVERSATION.ID.eq(conversationId))
              .forNoKeyUpdate()
              .fetch();
          if (queue(dsl, tenantId, conversationId).size() >= max) {
            return false;
          }
          dsl.insertInto(QUEUED_MESSAGE)
              .set(QUEUED_MESSAGE.TENANT_ID, tenantId)
              .set(QUEUED_MESSAGE.CONVERSATION_ID, conversationId)
              .set(QUEUED_MESSAGE.ID, message.id())
              .set(QUEUED_MESSAGE.CONTENT, message.content())
              .set(QUEUED_MESSAGE.CONTEXT, JSON.valueOf(message.contextJson()))
              .set(QUEUED_MESSAGE.CREATE_TIME, message.createTime().atOffset(ZoneOffset.UTC))
              .set(QUEUED_MESSAGE.EXPIRE_TIME, message.expireTime().atOffset(ZoneOffset.UTC))
              .execute();
          return true;
        });
  }

  @Override
  public boolean updateQueued(String tenantId, String conversationId, String id, String content) {
    return database.inTenant(
            tenantId,
            dsl ->
                dsl.update(QUEUED_MESSAGE)
                    .set(QUEUED_MESSAGE.CONTENT, content)
                    .where(waiting(tenantId, conversationId, id))
                    .execute())
        > 0;
  }

  @Override
  public boolean deleteQueued(String tenantId, String conversationId, String id) {
    return database.inTenant(
            tenantId,
            dsl ->
                dsl.deleteFrom(QUEUED_MESSAGE)
                    .where(waiting(tenantId, conversationId, id))
                    .execute())
        > 0;
  }

  /** The queued message, unless it expired. */
  private static Condition waiting(String tenantId, String conversationId, String id) {
    return QUEUED_MESSAGE
        .TENANT_ID
        .eq(tenantId)
        .and(QUEUED_MESSAGE.CONVERSATION_ID.eq(conversationId))
        .and(QUEUED_MESSAGE.ID.eq(id))
        .and(QUEUED_MESSAGE.EXPIRE_TIME.gt(DSL.currentOffsetDateTime()));
  }

  @Override
  public void clearQueue(String tenantId, String conversationId) {
    database.inTenant(
        tenantId,
        dsl ->
            dsl.deleteFrom(QUEUED_MESSAGE)
                .where(
                    QUEUED_MESSAGE.TENANT_ID.eq(tenantId),
                    QUEUED_MESSAGE.CONVERSATION_ID.eq(conversationId))
                .execute());
  }

  @Override
  public List<ConversationKey> queuesToDrain(int max) {
    return global
        .resultQuery("SELECT * FROM conversation.queues_to_drain({0})", DSL.val(max))
        .fetch(
            row ->
                new ConversationKey(
                    row.get("tenant_id", String.class), row.get("conversation_id", String.class)));
  }

  @Override
  public Optional<Run> find(String tenantId, String conversationId, String runId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(ASSISTANT_RUN)
                .where(
                    ASSISTANT_RUN.TENANT_ID.eq(tenantId),
                    ASSISTANT_RUN.CONVERSATION_ID.eq(conversationId),
                    ASSISTANT_RUN.ID.eq(runId))
                .fetchOptional()
                .map(JooqRunStore::run));
  }

  @Override
  public Optional<Run> firstAfter(String tenantId, String conversationId, Instant after) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(ASSISTANT_RUN)
                .where(
                    ASSISTANT_RUN.TENANT_ID.eq(tenantId),
                    ASSISTANT_RUN.CONVERSATION_ID.eq(conversationId),
                    ASSISTANT_RUN.CREATE_TIME.gt(after.atOffset(ZoneOffset.UTC)))
                .orderBy(ASSISTANT_RUN.CREATE_TIME, ASSISTANT_RUN.ID)
                .limit(1)
                .fetchOptional()
                .map(JooqRunStore::run));
  }

  @Override
  public Optional<Run> active(String tenantId, String conversationId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(ASSISTANT_RUN)
                .where(
                    ASSISTANT_RUN.TENANT_ID.eq(tenantId),
                    ASSISTANT_RUN.CONVERSATION_ID.eq(conversationId),
                    ASSISTANT_RUN.STATUS.in(
                        Run.Status.QUEUED.stored(), Run.Status.RUNNING.stored()))
                .fetchOptional()
                .map(JooqRunStore::run));
  }

  @Override
  public void update(Run run) {
    database.inTenant(
        run.tenantId(),
        dsl ->
            dsl.update(ASSISTANT_RUN)
                .set(ASSISTANT_RUN.STATUS, run.status().stored())
                .set(ASSISTANT_RUN.ASSISTANT_MESSAGE_ID, run.assistantMessageId())
                .set(ASSISTANT_RUN.START_TIME, time(run.startTime()))
                .set(ASSISTANT_RUN.HEARTBEAT_TIME, OffsetDateTime.now(ZoneOffset.UTC))
                .where(ASSISTANT_RUN.TENANT_ID.eq(run.tenantId()), ASSISTANT_RUN.ID.eq(run.id()))
                .execute());
  }

  @Override
  public RunEvent.Stored append(
      String tenantId, String runId, int sequence, RunEvent event, Instant time) {
    database.inTenant(tenantId, dsl -> insertEvent(dsl, tenantId, runId, sequence, event, time));
    return new RunEvent.Stored(runId, sequence, time, event);
  }

  @Override
  public RunEvent.Stored finish(Run run, int sequence, Instant time) {
    RunEvent event = new RunEvent.Finished(run);
    database.inTenant(
        run.tenantId(),
        dsl -> {
          dsl.update(ASSISTANT_RUN)
              .set(record(run))
              .where(
                  ASSISTANT_RUN.TENANT_ID.eq(run.tenantId()),
                  ASSISTANT_RUN.ID.eq(run.id()),
                  // A run the sweep failed meanwhile stays failed.
                  ASSISTANT_RUN.STATUS.in(Run.Status.QUEUED.stored(), Run.Status.RUNNING.stored()))
              .execute();
          insertEvent(dsl, run.tenantId(), run.id(), sequence, event, time);
          EVENTS.append(
              dsl, run.tenantId(), run.conversationId(), ConversationEvents.runFinished(run));
          return null;
        });
    return new RunEvent.Stored(run.id(), sequence, time, event);
  }

  private static int insertEvent(
      DSLContext dsl, String tenantId, String runId, int sequence, RunEvent event, Instant time) {
    return dsl.insertInto(ASSISTANT_RUN_EVENT)
        .set(ASSISTANT_RUN_EVENT.TENANT_ID, tenantId)
        .set(ASSISTANT_RUN_EVENT.RUN_ID, runId)
        .set(ASSISTANT_RUN_EVENT.SEQUENCE, sequence)
        .set(ASSISTANT_RUN_EVENT.KIND, kind(event))
        .set(ASSISTANT_RUN_EVENT.BODY, JSON.valueOf(ProtoJson.toJson(body(event))))
        .set(ASSISTANT_RUN_EVENT.CREATE_TIME, time.atOffset(ZoneOffset.UTC))
        .execute();
  }

  @Override
  public List<RunEvent.Stored> events(String tenantId, String runId, int afterSequence) {
    return database.inTenant(
        tenantId,
        dsl -> {
          Run run =
              dsl.selectFrom(ASSISTANT_RUN)
                  .where(ASSISTANT_RUN.TENANT_ID.eq(tenantId), ASSISTANT_RUN.ID.eq(runId))
                  .fetchOptional()
                  .map(JooqRunStore::run)
                  .orElse(null);
          return dsl.selectFrom(ASSISTANT_RUN_EVENT)
              .where(
                  ASSISTANT_RUN_EVENT.TENANT_ID.eq(tenantId),
                  ASSISTANT_RUN_EVENT.RUN_ID.eq(runId),
                  ASSISTANT_RUN_EVENT.SEQUENCE.gt(afterSequence))
              .orderBy(ASSISTANT_RUN_EVENT.SEQUENCE)
              .fetch(
                  row ->
                      new RunEvent.Stored(
                          runId,
                          row.getSequence(),
                          row.getCreateTime().toInstant(),
                          event(row.getKind(), ProtoJson.toStruct(row.getBody().data()), run)));
        });
  }

  @Override
  public Set<String> heartbeat(String tenantId, Collection<String> runIds) {
    return database.inTenant(
        tenantId,
        dsl ->
            new HashSet<>(
                dsl
                    .update(ASSISTANT_RUN)
                    .set(ASSISTANT_RUN.HEARTBEAT_TIME, OffsetDateTime.now(ZoneOffset.UTC))
                    .where(
                        ASSISTANT_RUN.TENANT_ID.eq(tenantId),
                        ASSISTANT_RUN.ID.in(runIds),
                        ASSISTANT_RUN.STATUS.in(
                            Run.Status.QUEUED.stored(), Run.Status.RUNNING.stored()))
                    .returning(ASSISTANT_RUN.ID, ASSISTANT_RUN.CANCEL_REQUESTED)
                    .fetch()
                    .stream()
                    .filter(row -> Boolean.TRUE.equals(row.getCancelRequested()))
                    .map(AssistantRunRecord::getId)
                    .toList()));
  }

  @Override
  public boolean requestCancel(String tenantId, String conversationId, String runId) {
    return database.inTenant(
            tenantId,
            dsl ->
                dsl.update(ASSISTANT_RUN)
                    .set(ASSISTANT_RUN.CANCEL_REQUESTED, true)
                    .where(
                        ASSISTANT_RUN.TENANT_ID.eq(tenantId),
                        ASSISTANT_RUN.CONVERSATION_ID.eq(conversationId),
                        ASSISTANT_RUN.ID.eq(runId),
                        ASSISTANT_RUN.STATUS.in(
                            Run.Status.QUEUED.stored(), Run.Status.RUNNING.stored()))
                    .execute())
        > 0;
  }

  @Override
  public List<RunKey> failOrphans(Duration staleAfter) {
    List<RunKey> failed =
        global
            .resultQuery(
                "SELECT * FROM conversation.fail_orphaned_runs(make_interval(secs => {0}))",
                DSL.val((double) staleAfter.toSeconds()))
            .fetch(
                row ->
                    new RunKey(
                        row.get("tenant_id", String.class),
                        row.get("run_id", String.class),
                        row.get("conversation_id", String.class)));
    for (RunKey key : failed) {
      // Analytics learns of the failure too (after the sweep's own commit).
      find(key.tenantId(), key.conversationId(), key.runId())
          .ifPresent(
              run ->
                  database.inTenant(
                      run.tenantId(),
                      dsl -> {
                        EVENTS.append(
                            dsl,
                            run.tenantId(),
                            run.conversationId(),
                            ConversationEvents.runFinished(run));
                        return null;
                      }));
    }
    return failed;
  }

  @Override
  public void saveRelated(String tenantId, List<RelatedDocument> documents) {
    if (documents.isEmpty()) {
      return;
    }
    database.inTenant(
        tenantId,
        dsl -> {
          for (RelatedDocument document : documents) {
            dsl.insertInto(RELATED_DOCUMENT)
                .set(RELATED_DOCUMENT.TENANT_ID, tenantId)
                .set(RELATED_DOCUMENT.CONVERSATION_ID, document.conversationId())
                .set(RELATED_DOCUMENT.SOURCE_ID, document.sourceId())
                .set(RELATED_DOCUMENT.SOURCE_NAME, document.sourceName())
                .set(RELATED_DOCUMENT.SOURCE_LINK, document.sourceLink())
                .set(RELATED_DOCUMENT.TEXT, document.text())
                .set(RELATED_DOCUMENT.RUN_ID, document.runId())
                .set(RELATED_DOCUMENT.UPDATE_TIME, document.updateTime().atOffset(ZoneOffset.UTC))
                .onConflict(
                    RELATED_DOCUMENT.TENANT_ID,
                    RELATED_DOCUMENT.CONVERSATION_ID,
                    RELATED_DOCUMENT.SOURCE_ID)
                .doUpdate()
                .set(RELATED_DOCUMENT.SOURCE_NAME, document.sourceName())
                .set(RELATED_DOCUMENT.SOURCE_LINK, document.sourceLink())
                .set(RELATED_DOCUMENT.TEXT, document.text())
                .set(RELATED_DOCUMENT.RUN_ID, document.runId())
                .set(RELATED_DOCUMENT.UPDATE_TIME, document.updateTime().atOffset(ZoneOffset.UTC))
                .execute();
          }
          return null;
        });
  }

  @Override
  public List<RelatedDocument> related(String tenantId, String conversationId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(RELATED_DOCUMENT)
                .where(
                    RELATED_DOCUMENT.TENANT_ID.eq(tenantId),
                    RELATED_DOCUMENT.CONVERSATION_ID.eq(conversationId))
                .orderBy(RELATED_DOCUMENT.SOURCE_ID.desc())
                .fetch(JooqRunStore::related));
  }

  @Override
  public Optional<RelatedDocument> related(
      String tenantId, String conversationId, String sourceId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(RELATED_DOCUMENT)
                .where(
                    RELATED_DOCUMENT.TENANT_ID.eq(tenantId),
                    RELATED_DOCUMENT.CONVERSATION_ID.eq(conversationId),
                    RELATED_DOCUMENT.SOURCE_ID.eq(sourceId))
                .fetchOptional()
                .map(JooqRunStore::related));
  }

  private static RelatedDocument related(
      dev.parley.conversation.store.schema.tables.records.RelatedDocumentRecord row) {
    return new RelatedDocument(
        row.getConversationId(),
        row.getSourceId(),
        row.getSourceName(),
        row.getSourceLink(),
        row.getText(),
        row.getRunId(),
        row.getUpdateTime().toInstant());
  }

  private static AssistantRunRecord record(Run run) {
    AssistantRunRecord row = new AssistantRunRecord();
    row.setTenantId(run.tenantId());
    row.setId(run.id());
    row.setConversationId(run.conversationId());
    row.setStatus(run.status().stored());
    row.setProvider(run.provider());
    row.setModel(run.model());
    row.setRequestedModel(run.requestedModel());
    row.setUserMessageId(run.userMessageId());
    row.setAssistantMessageId(run.assistantMessageId());
    row.setStopReason(run.stopReason() == null ? null : run.stopReason().stored());
    row.setError(run.error());
    row.setInputTokens(run.inputTokens());
    row.setOutputTokens(run.outputTokens());
    row.setCreateTime(time(run.createTime()));
    row.setStartTime(time(run.startTime()));
    row.setEndTime(time(run.endTime()));
    return row;
  }

  private static Run run(AssistantRunRecord row) {
    return new Run(
        row.getTenantId(),
        row.getId(),
        row.getConversationId(),
        Run.Status.ofStored(row.getStatus()),
        row.getProvider(),
        row.getModel(),
        row.getRequestedModel(),
        row.getUserMessageId(),
        row.getAssistantMessageId(),
        Run.StopReason.ofStored(row.getStopReason()),
        row.getError(),
        row.getInputTokens(),
        row.getOutputTokens(),
        row.getCreateTime().toInstant(),
        row.getStartTime() == null ? null : row.getStartTime().toInstant(),
        row.getEndTime() == null ? null : row.getEndTime().toInstant());
  }

  private static OffsetDateTime time(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static String kind(RunEvent event) {
    return switch (event) {
      case RunEvent.Started started -> "started";
      case RunEvent.TextDelta delta -> "text_delta";
      case RunEvent.Citation citation -> "citation";
      case RunEvent.MessageCompleted completed -> "message_completed";
      case RunEvent.Finished finished -> "finished";
    };
  }

  /** The event's fields; a run's state is read from its row, so started and finished hold none. */
  private static Struct body(RunEvent event) {
    Struct.Builder body = Struct.newBuilder();
    switch (event) {
      case RunEvent.Started started ->
          body.putFields("status", text(started.run().status().stored()));
      case RunEvent.TextDelta delta -> body.putFields("text", text(delta.text()));
      case RunEvent.Citation citation -> {
        Source source = citation.source();
        body.putFields("number", Value.newBuilder().setNumberValue(citation.number()).build());
        body.putFields("documentId", text(source.documentId()));
        body.putFields("title", text(source.title()));
        if (source.sourceLink() != null) {
          body.putFields("sourceLink", text(source.sourceLink()));
        }
        body.putFields("text", text(source.text()));
      }
      case RunEvent.MessageCompleted completed -> {
        body.putFields("messageId", text(completed.messageId()));
        body.putFields("text", text(completed.text()));
      }
      case RunEvent.Finished finished -> {
        body.putFields("status", text(finished.run().status().stored()));
        if (finished.run().error() != null) {
          body.putFields("error", text(finished.run().error()));
        }
      }
    }
    return body.build();
  }

  /** An event as read back: started and finished carry the run as it stands now. */
  private static RunEvent event(String kind, Struct body, Run run) {
    return switch (kind) {
      case "started" -> new RunEvent.Started(run);
      case "text_delta" -> new RunEvent.TextDelta(string(body, "text"));
      case "citation" ->
          new RunEvent.Citation(
              (int) body.getFieldsOrThrow("number").getNumberValue(),
              new Source(
                  (int) body.getFieldsOrThrow("number").getNumberValue(),
                  string(body, "documentId"),
                  string(body, "title"),
                  body.containsFields("sourceLink") ? string(body, "sourceLink") : null,
                  string(body, "text"),
                  0,
                  true));
      case "message_completed" ->
          new RunEvent.MessageCompleted(string(body, "messageId"), string(body, "text"));
      case "finished" -> new RunEvent.Finished(run);
      default -> throw new IllegalStateException("Unknown run event kind " + kind);
    };
  }

  private static String string(Struct body, String field) {
    Value value = body.getFieldsOrDefault(field, null);
    return value == null ? "" : value.getStringValue();
  }

  private static Value text(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }
}
