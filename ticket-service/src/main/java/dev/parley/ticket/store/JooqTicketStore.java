package dev.parley.ticket.store;

import static dev.parley.ticket.store.schema.Tables.TICKET_ACTIVITY;
import static dev.parley.ticket.store.schema.Tables.TICKET_COUNTER;
import static dev.parley.ticket.store.schema.Tables.TICKET_MESSAGE;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.events.Outbox;
import dev.parley.platform.events.StreamCursors;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.ticket.domain.Ticket;
import dev.parley.ticket.domain.TicketStore;
import dev.parley.ticket.events.TicketEvents;
import dev.parley.ticket.store.schema.Tables;
import dev.parley.ticket.store.schema.tables.records.TicketRecord;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/** Tickets in PostgreSQL. Every query names the tenant; RLS backs it up. */
final class JooqTicketStore implements TicketStore {
  private static final Outbox EVENTS = new Outbox("ticket");
  private static final StreamCursors CURSORS = new StreamCursors("ticket");

  // The generator names the table TICKET_ because its schema is also "ticket".
  private static final dev.parley.ticket.store.schema.tables.Ticket TICKET = Tables.TICKET_;

  private final TenantDatabase database;

  /** Outside any tenant: for the stream cursor, which belongs to none. */
  private final DSLContext global;

  @Inject
  JooqTicketStore(TenantDatabase database, DSLContext global) {
    this.database = requireNonNull(database, "database is null");
    this.global = requireNonNull(global, "global is null");
  }

  @Override
  public Ticket create(Ticket ticket) {
    String tenantId = ticket.tenantId();
    return database.inTenant(
        tenantId,
        dsl -> {
          // The counter row's lock orders concurrent creates of a tenant, so that a
          // conversation's ticket is looked for after any concurrent escalation committed, and a
          // number is taken only by a ticket that is inserted (a rollback returns it).
          dsl.insertInto(TICKET_COUNTER)
              .set(TICKET_COUNTER.TENANT_ID, tenantId)
              .set(TICKET_COUNTER.LAST_NUMBER, 0)
              .onConflictDoNothing()
              .execute();
          int last =
              dsl.select(TICKET_COUNTER.LAST_NUMBER)
                  .from(TICKET_COUNTER)
                  .where(TICKET_COUNTER.TENANT_ID.eq(tenantId))
                  .forUpdate()
                  .fetchOne(TICKET_COUNTER.LAST_NUMBER);
          if (ticket.conversationId() != null) {
            TicketRecord existing =
                dsl.selectFrom(TICKET)
                    .where(
                        TICKET.TENANT_ID.eq(tenantId),
                        TICKET.CONVERSATION_ID.eq(ticket.conversationId()))
                    .fetchOne();
            if (existing != null) {
              return ticket(existing);
            }
          }
          dsl.update(TICKET_COUNTER)
              .set(TICKET_COUNTER.LAST_NUMBER, last + 1)
              .where(TICKET_COUNTER.TENANT_ID.eq(tenantId))
              .execute();
          TicketRecord row = record(ticket);
          row.setTicketNumber(last + 1);
          dsl.insertInto(TICKET).set(row).execute();
          Ticket created = ticket(row);
          EVENTS.append(dsl, tenantId, created.id().toString(), TicketEvents.created(created));
          return created;
        });
  }

  @Override
  public Optional<Ticket> recordMessages(
      String tenantId,
      TicketRef ref,
      List<NewMessage> messages,
      BiFunction<Ticket, List<NewMessage>, Ticket> count) {
    return database.inTenant(
        tenantId,
        dsl -> {
          TicketRecord row =
              dsl.selectFrom(TICKET)
                  .where(TICKET.TENANT_ID.eq(tenantId), key(ref))
                  .forUpdate()
                  .fetchOne();
          if (row == null) {
            return Optional.empty();
          }
          UUID id = row.getId();
          // Only messages never recorded count; a message without an id is a new one.
          List<NewMessage> identified =
              messages.stream()
                  .map(
                      message ->
                          message.messageId() != null
                              ? message
                              : new NewMessage(
                                  "gen_" + UUID.randomUUID(),
                                  message.fromCustomer(),
                                  message.text()))
                  .toList();
          var insert =
              dsl.insertInto(
                  TICKET_MESSAGE,
                  TICKET_MESSAGE.TENANT_ID,
                  TICKET_MESSAGE.TICKET_ID,
                  TICKET_MESSAGE.MESSAGE_ID,
                  TICKET_MESSAGE.FROM_CUSTOMER,
                  TICKET_MESSAGE.BODY,
                  TICKET_MESSAGE.CREATED_AT);
          OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
          for (NewMessage message : identified) {
            insert =
                insert.values(
                    tenantId, id, message.messageId(), message.fromCustomer(), message.text(), now);
          }
          Set<String> fresh =
              new HashSet<>(
                  insert
                      .onConflictDoNothing()
                      .returning(TICKET_MESSAGE.MESSAGE_ID)
                      .fetch(TICKET_MESSAGE.MESSAGE_ID));
          List<NewMessage> counted =
              identified.stream().filter(message -> fresh.remove(message.messageId())).toList();
          Ticket before = ticket(row);
          if (counted.isEmpty()) {
            return Optional.of(before);
          }
          Ticket after = count.apply(before, counted);
          dsl.update(TICKET)
              .set(record(after))
              .where(TICKET.TENANT_ID.eq(tenantId), TICKET.ID.eq(id))
              .execute();
          EVENTS.append(
              dsl, tenantId, id.toString(), TicketEvents.messagesRecorded(after, counted));
          return Optional.of(after);
        });
  }

  @Override
  public Map<String, UUID> ticketsOfConversations(
      String tenantId, Collection<String> conversationIds) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(TICKET.CONVERSATION_ID, TICKET.ID)
                .from(TICKET)
                .where(TICKET.TENANT_ID.eq(tenantId), TICKET.CONVERSATION_ID.in(conversationIds))
                .fetchMap(TICKET.CONVERSATION_ID, TICKET.ID));
  }

  @Override
  public Optional<String> cursor(String stream) {
    return CURSORS.read(global, stream);
  }

  @Override
  public void saveCursor(String stream, String cursor) {
    CURSORS.write(global, stream, cursor);
  }

  @Override
  public Optional<Ticket> find(String tenantId, TicketRef ref) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(TICKET)
                .where(TICKET.TENANT_ID.eq(tenantId), key(ref))
                .fetchOptional()
                .map(JooqTicketStore::ticket));
  }

  /** The ticket a reference names. */
  private static Condition key(TicketRef ref) {
    return ref.id() != null ? TICKET.ID.eq(ref.id()) : TICKET.TICKET_NUMBER.eq(ref.number());
  }

  @Override
  public List<Activity> activity(String tenantId, UUID id) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.selectFrom(TICKET_ACTIVITY)
                .where(TICKET_ACTIVITY.TENANT_ID.eq(tenantId), TICKET_ACTIVITY.TICKET_ID.eq(id))
                .orderBy(TICKET_ACTIVITY.CREATED_AT, TICKET_ACTIVITY.ID)
                .fetch(
                    row ->
                        new Activity(
                            row.getField(),
                            row.getBeforeValue(),
                            row.getAfterValue(),
                            row.getActor(),
                            row.getCreatedAt().toInstant())));
  }

  @Override
  public Optional<Ticket> change(
      String tenantId,
      TicketRef ref,
      UnaryOperator<Ticket> change,
      BiFunction<Ticket, Ticket, List<Activity>> activity) {
    return database.inTenant(
        tenantId,
        dsl -> {
          TicketRecord row =
              dsl.selectFrom(TICKET)
                  .where(TICKET.TENANT_ID.eq(tenantId), key(ref))
                  .forUpdate()
                  .fetchOne();
          if (row == null) {
            return Optional.empty();
          }
          UUID id = row.getId();
          Ticket before = ticket(row);
          Ticket after = change.apply(before);
          if (!after.equals(before)) {
            TicketRecord changed = record(after);
            dsl.update(TICKET)
                .set(changed)
                .where(TICKET.TENANT_ID.eq(tenantId), TICKET.ID.eq(id))
                .execute();
            EVENTS.append(dsl, tenantId, id.toString(), TicketEvents.updated(after));
            for (Activity entry : activity.apply(before, after)) {
              dsl.insertInto(TICKET_ACTIVITY)
                  .set(TICKET_ACTIVITY.TENANT_ID, tenantId)
                  .set(TICKET_ACTIVITY.ID, UUID.randomUUID())
                  .set(TICKET_ACTIVITY.TICKET_ID, id)
                  .set(TICKET_ACTIVITY.FIELD, entry.field())
                  .set(TICKET_ACTIVITY.BEFORE_VALUE, entry.before())
                  .set(TICKET_ACTIVITY.AFTER_VALUE, entry.after())
                  .set(TICKET_ACTIVITY.ACTOR, entry.actor())
                  .set(TICKET_ACTIVITY.CREATED_AT, timestamp(entry.time()))
                  .execute();
            }
          }
          return Optional.of(after);
        });
  }

  @Override
  public Page list(String tenantId, TicketFilter filter, TicketOrder order, int offset, int limit) {
    return database.inTenant(
        tenantId,
        dsl -> {
          Condition condition = matching(tenantId, filter);
          List<Ticket> tickets =
              dsl.selectFrom(TICKET)
                  .where(condition)
                  .orderBy(sort(order), TICKET.ID)
                  .limit(limit)
                  .offset(offset)
                  .fetch(JooqTicketStore::ticket);
          return new Page(tickets, dsl.fetchCount(TICKET, condition));
        });
  }

  @Override
  public boolean delete(String tenantId, TicketRef ref) {
    return database.inTenant(
        tenantId,
        dsl -> {
          UUID id =
              dsl.deleteFrom(TICKET)
                  .where(TICKET.TENANT_ID.eq(tenantId), key(ref))
                  .returning(TICKET.ID)
                  .fetchOptional(TICKET.ID)
                  .orElse(null);
          if (id != null) {
            EVENTS.append(dsl, tenantId, id.toString(), TicketEvents.deleted());
          }
          return id != null;
        });
  }

  @Override
  public int unreadCount(String tenantId) {
    return database.inTenant(
        tenantId,
        dsl ->
            dsl.select(DSL.coalesce(DSL.sum(TICKET.UNREAD_TEAM_COUNT), BigDecimal.ZERO))
                .from(TICKET)
                .where(
                    TICKET.TENANT_ID.eq(tenantId),
                    TICKET.STATUS.ne("resolved"),
                    TICKET.UNREAD_TEAM_COUNT.gt(0))
                .fetchOne(0, Integer.class));
  }

  private static Condition matching(String tenantId, TicketFilter filter) {
    List<Condition> conditions = new ArrayList<>();
    conditions.add(TICKET.TENANT_ID.eq(tenantId));
    if (filter.statuses() != null && !filter.statuses().isEmpty()) {
      conditions.add(TICKET.STATUS.in(filter.statuses()));
    }
    if (filter.priorities() != null && !filter.priorities().isEmpty()) {
      conditions.add(TICKET.PRIORITY.in(filter.priorities()));
    }
    if (filter.channelSource() != null) {
      conditions.add(TICKET.CHANNEL_SOURCE.eq(filter.channelSource()));
    }
    if (filter.channelDetail() != null) {
      conditions.add(
          DSL.field("{0} ->> 'channel_detail'", String.class, TICKET.CHANNEL_JSON)
              .eq(filter.channelDetail()));
    }
    if (filter.unassigned()) {
      conditions.add(TICKET.ASSIGNEE_TYPE.isNull());
    } else if (filter.assignee() != null) {
      conditions.add(TICKET.ASSIGNEE_TYPE.eq(filter.assignee().type()));
      conditions.add(TICKET.ASSIGNEE_ID.eq(filter.assignee().id()));
    }
    if (filter.updatedFrom() != null) {
      conditions.add(TICKET.UPDATED_AT.ge(timestamp(filter.updatedFrom())));
    }
    if (filter.updatedUntil() != null) {
      conditions.add(TICKET.UPDATED_AT.le(timestamp(filter.updatedUntil())));
    }
    if (filter.distinctIds() != null && !filter.distinctIds().isEmpty()) {
      conditions.add(TICKET.DISTINCT_ID.in(filter.distinctIds()));
    }
    if (filter.number() != null) {
      conditions.add(TICKET.TICKET_NUMBER.eq(filter.number()));
    }
    if (filter.traitsText() != null) {
      String pattern = "%" + escapeLike(filter.traitsText()) + "%";
      conditions.add(
          DSL.field("{0} ->> 'name'", String.class, TICKET.ANONYMOUS_TRAITS_JSON)
              .likeIgnoreCase(pattern, '\\')
              .or(
                  DSL.field("{0} ->> 'email'", String.class, TICKET.ANONYMOUS_TRAITS_JSON)
                      .likeIgnoreCase(pattern, '\\'))
              .or(
                  DSL.field("{0} ->> 'email_subject'", String.class, TICKET.CHANNEL_JSON)
                      .likeIgnoreCase(pattern, '\\'))
              .or(
                  DSL.exists(
                      DSL.selectOne()
                          .from(TICKET_MESSAGE)
                          .where(
                              TICKET_MESSAGE.TENANT_ID.eq(TICKET.TENANT_ID),
                              TICKET_MESSAGE.TICKET_ID.eq(TICKET.ID),
                              TICKET_MESSAGE.BODY.likeIgnoreCase(pattern, '\\')))));
    }
    if (filter.slaDueBefore() != null) {
      conditions.add(TICKET.SLA_DUE_AT.lt(timestamp(filter.slaDueBefore())));
    }
    if (filter.slaDueAfter() != null) {
      conditions.add(TICKET.SLA_DUE_AT.ge(timestamp(filter.slaDueAfter())));
    }
    if (filter.snoozed() != null) {
      conditions.add(
          filter.snoozed() ? TICKET.SNOOZED_UNTIL.isNotNull() : TICKET.SNOOZED_UNTIL.isNull());
    }
    if (filter.anyTags() != null && !filter.anyTags().isEmpty()) {
      conditions.add(
          DSL.or(
              filter.anyTags().stream()
                  .map(
                      tag ->
                          DSL.condition(
                              "{0} @> {1}", TICKET.TAGS_JSON, DSL.val(tags(List.of(tag)))))
                  .toList()));
    }
    return DSL.and(conditions);
  }

  private static SortField<?> sort(TicketOrder order) {
    Field<?> field =
        switch (order.field()) {
          case "created_at" -> TICKET.CREATED_AT;
          case "ticket_number" -> TICKET.TICKET_NUMBER;
          case "sla_due_at" -> TICKET.SLA_DUE_AT;
          case "snoozed_until" -> TICKET.SNOOZED_UNTIL;
          default -> TICKET.UPDATED_AT;
        };
    return order.descending() ? field.desc().nullsLast() : field.asc().nullsLast();
  }

  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static TicketRecord record(Ticket ticket) {
    TicketRecord row = new TicketRecord();
    row.setTenantId(ticket.tenantId());
    row.setId(ticket.id());
    row.setTicketNumber(ticket.number());
    row.setChannelSource(ticket.channelSource());
    row.setDistinctId(ticket.distinctId());
    row.setStatus(ticket.status());
    row.setPriority(ticket.priority());
    row.setAssigneeType(ticket.assignee() == null ? null : ticket.assignee().type());
    row.setAssigneeId(ticket.assignee() == null ? null : ticket.assignee().id());
    row.setAnonymousTraitsJson(JSONB.valueOf(ticket.anonymousTraitsJson()));
    row.setAiResolved(ticket.aiResolved());
    row.setEscalationReason(ticket.escalationReason());
    row.setMessageCount(ticket.messageCount());
    row.setLastMessageAt(timestamp(ticket.lastMessageAt()));
    row.setLastMessageText(ticket.lastMessageText());
    row.setUnreadTeamCount(ticket.unreadTeamCount());
    row.setUnreadCustomerCount(ticket.unreadCustomerCount());
    row.setSessionId(ticket.sessionId());
    row.setSessionContextJson(JSONB.valueOf(ticket.sessionContextJson()));
    row.setSlaDueAt(timestamp(ticket.slaDueAt()));
    row.setSnoozedUntil(timestamp(ticket.snoozedUntil()));
    row.setTagsJson(tags(ticket.tags()));
    row.setChannelJson(JSONB.valueOf(ticket.channelJson()));
    row.setConversationId(ticket.conversationId());
    row.setCreatedAt(timestamp(ticket.createdAt()));
    row.setUpdatedAt(timestamp(ticket.updatedAt()));
    return row;
  }

  private static Ticket ticket(TicketRecord row) {
    return new Ticket(
        row.getTenantId(),
        row.getId(),
        row.getTicketNumber(),
        row.getChannelSource(),
        row.getDistinctId(),
        row.getStatus(),
        row.getPriority(),
        row.getAssigneeType() == null
            ? null
            : new Ticket.Assignee(row.getAssigneeType(), row.getAssigneeId()),
        row.getAnonymousTraitsJson().data(),
        row.getAiResolved(),
        row.getEscalationReason(),
        row.getMessageCount(),
        instant(row.getLastMessageAt()),
        row.getLastMessageText(),
        row.getUnreadTeamCount(),
        row.getUnreadCustomerCount(),
        row.getSessionId(),
        row.getSessionContextJson().data(),
        instant(row.getSlaDueAt()),
        instant(row.getSnoozedUntil()),
        ProtoJson.toListValue(row.getTagsJson().data()).getValuesList().stream()
            .map(Value::getStringValue)
            .toList(),
        row.getChannelJson().data(),
        row.getConversationId(),
        row.getCreatedAt().toInstant(),
        row.getUpdatedAt().toInstant());
  }

  private static JSONB tags(List<String> tags) {
    ListValue.Builder list = ListValue.newBuilder();
    tags.forEach(tag -> list.addValues(Value.newBuilder().setStringValue(tag)));
    return JSONB.valueOf(ProtoJson.toJson(list.build()));
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
