package dev.parley.ticket.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.error.ParleyException;
import dev.parley.platform.paging.PageBudget;
import dev.parley.platform.proto.ProtoJson;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The rules of tickets, shared by the native API and PostHog's. */
public final class Tickets {
  public static final List<String> STATUSES =
      List.of("new", "open", "pending", "on_hold", "resolved");
  public static final List<String> PRIORITIES = List.of("low", "medium", "high", "critical");
  public static final List<String> CHANNELS =
      List.of("widget", "email", "slack", "teams", "github");
  static final int PREVIEW_LENGTH = 500;
  private static final int MAX_TAGS = 100;
  static final int MAX_MESSAGES_PER_CALL = 1000;

  private final TicketStore store;
  private final Clock clock;

  @Inject
  public Tickets(TicketStore store, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Creates a ticket from the update's fields over the defaults (widget, new, no priority). */
  public Ticket create(
      String tenantId,
      String channelSource,
      String distinctId,
      String sessionId,
      String conversationId,
      TicketUpdate fields) {
    String channel =
        channelSource == null ? "widget" : choice("channel_source", channelSource, CHANNELS);
    if (distinctId != null && distinctId.length() > 400) {
      throw ParleyException.invalidArgument(
          "distinct_id", "Ensure this field has no more than 400 characters.");
    }
    Instant now = now();
    Ticket defaults =
        Ticket.open(
            tenantId,
            channel,
            distinctId == null ? "" : distinctId,
            sessionId,
            conversationId,
            now);
    return store.create(apply(defaults, fields, now));
  }

  /** A ticket by UUID or ticket number; NOT_FOUND for anything else. */
  public Ticket get(String tenantId, String idOrNumber) {
    return store.find(tenantId, ref(idOrNumber)).orElseThrow(() -> notFound(idOrNumber));
  }

  /** Retrieves the ticket as the team sees it: its team-unread messages become read. */
  public Ticket readByTeam(String tenantId, String idOrNumber, String actor) {
    return change(
        tenantId,
        idOrNumber,
        actor,
        ticket ->
            ticket.unreadTeamCount() == 0
                ? ticket
                : ticket.withUnread(0, ticket.unreadCustomerCount()));
  }

  /** Applies the update; {@code actor} is who makes it, as the ticket's activity records it. */
  public Ticket update(String tenantId, String idOrNumber, String actor, TicketUpdate update) {
    return change(tenantId, idOrNumber, actor, ticket -> apply(ticket, update, now()));
  }

  /**
   * Records messages, oldest first: each customer message makes the ticket unread for the team,
   * each team (or assistant) message unread for the customer. Messages recorded before, by id, are
   * not counted again, so retried calls and re-escalations are harmless.
   */
  public Ticket recordMessages(
      String tenantId, String idOrNumber, List<TicketStore.NewMessage> messages) {
    if (messages.isEmpty() || messages.size() > MAX_MESSAGES_PER_CALL) {
      throw ParleyException.invalidArgument(
          "messages", "must hold 1.." + MAX_MESSAGES_PER_CALL + " messages");
    }
    Instant now = now();
    return store
        .recordMessages(
            tenantId,
            ref(idOrNumber),
            messages,
            (before, fresh) -> {
              int customer =
                  (int) fresh.stream().filter(TicketStore.NewMessage::fromCustomer).count();
              String text = fresh.getLast().text();
              String preview =
                  text == null ? null : text.substring(0, Math.min(text.length(), PREVIEW_LENGTH));
              return new Ticket(
                  before.tenantId(),
                  before.id(),
                  before.number(),
                  before.channelSource(),
                  before.distinctId(),
                  before.status(),
                  before.priority(),
                  before.assignee(),
                  before.anonymousTraitsJson(),
                  before.aiResolved(),
                  before.escalationReason(),
                  before.messageCount() + fresh.size(),
                  now,
                  preview,
                  before.unreadTeamCount() + customer,
                  before.unreadCustomerCount() + fresh.size() - customer,
                  before.sessionId(),
                  before.sessionContextJson(),
                  before.slaDueAt(),
                  before.snoozedUntil(),
                  before.tags(),
                  before.channelJson(),
                  before.conversationId(),
                  before.createdAt(),
                  now);
            })
        .orElseThrow(() -> notFound(idOrNumber));
  }

  public void delete(String tenantId, String idOrNumber) {
    if (!store.delete(tenantId, ref(idOrNumber))) {
      throw notFound(idOrNumber);
    }
  }

  public TicketStore.Page list(
      String tenantId,
      TicketStore.TicketFilter filter,
      TicketStore.TicketOrder order,
      int offset,
      int limit) {
    TicketStore.Page page = store.list(tenantId, filter, order, offset, limit);
    return new TicketStore.Page(PageBudget.fit(page.tickets()), page.total());
  }

  /** Unread team messages over unresolved tickets, read from the tickets themselves. */
  public int unreadCount(String tenantId) {
    return store.unreadCount(tenantId);
  }

  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private Ticket change(
      String tenantId, String idOrNumber, String actor, UnaryOperator<Ticket> change) {
    Instant now = now();
    return store
        .change(
            tenantId,
            ref(idOrNumber),
            change,
            (before, after) -> activity(before, after, actor, now))
        .orElseThrow(() -> notFound(idOrNumber));
  }

  /** The recorded changes of a ticket, oldest first. */
  public List<TicketStore.Activity> activity(String tenantId, String idOrNumber) {
    // Read first: an unknown ticket is NOT_FOUND, not an empty history.
    return store.activity(tenantId, get(tenantId, idOrNumber).id());
  }

  /** Status, priority, SLA and assignee changes are recorded, as PostHog's activity log does. */
  private static List<TicketStore.Activity> activity(
      Ticket before, Ticket after, String actor, Instant now) {
    List<TicketStore.Activity> changes = new ArrayList<>();
    record(changes, "status", before.status(), after.status(), actor, now);
    record(changes, "priority", before.priority(), after.priority(), actor, now);
    record(
        changes,
        "sla_due_at",
        before.slaDueAt() == null ? null : before.slaDueAt().toString(),
        after.slaDueAt() == null ? null : after.slaDueAt().toString(),
        actor,
        now);
    record(
        changes,
        "assignee",
        before.assignee() == null ? null : before.assignee().text(),
        after.assignee() == null ? null : after.assignee().text(),
        actor,
        now);
    return changes;
  }

  private static void record(
      List<TicketStore.Activity> changes,
      String field,
      String before,
      String after,
      String actor,
      Instant now) {
    if (!Objects.equals(before, after)) {
      changes.add(new TicketStore.Activity(field, before, after, actor, now));
    }
  }

  /** The ticket a path names: its number (digits) or its UUID; NOT_FOUND for anything else. */
  private static TicketStore.TicketRef ref(String idOrNumber) {
    if (!idOrNumber.isEmpty() && idOrNumber.chars().allMatch(Character::isDigit)) {
      try {
        return TicketStore.TicketRef.of(Integer.parseInt(idOrNumber));
      } catch (NumberFormatException e) {
        throw notFound(idOrNumber);
      }
    }
    try {
      return TicketStore.TicketRef.of(UUID.fromString(idOrNumber));
    } catch (IllegalArgumentException e) {
      throw notFound(idOrNumber);
    }
  }

  /**
   * The ticket with the update applied. Snoozing (snoozed_until from null to a time) without a
   * status in the same update puts the ticket on hold; unsnoozing it opens it.
   */
  private static Ticket apply(Ticket ticket, TicketUpdate update, Instant now) {
    String status =
        update.status() == null
            ? ticket.status()
            : choice("status", update.status().value(), STATUSES);
    String priority = ticket.priority();
    if (update.priority() != null) {
      String value = update.priority().value();
      priority = value == null || value.isEmpty() ? null : choice("priority", value, PRIORITIES);
    }
    Instant snoozedUntil =
        update.snoozedUntil() == null ? ticket.snoozedUntil() : update.snoozedUntil().value();
    if (update.status() == null && update.snoozedUntil() != null) {
      if (ticket.snoozedUntil() == null && snoozedUntil != null) {
        status = "on_hold";
      } else if (ticket.snoozedUntil() != null && snoozedUntil == null) {
        status = "open";
      }
    }
    List<String> tags = update.tags() == null ? ticket.tags() : update.tags().value();
    if (tags == null) {
      throw ParleyException.invalidArgument("tags", "This field may not be null.");
    }
    if (tags.size() > MAX_TAGS) {
      throw ParleyException.invalidArgument(
          "tags", "Ensure this field has no more than 100 elements.");
    }
    return new Ticket(
        ticket.tenantId(),
        ticket.id(),
        ticket.number(),
        ticket.channelSource(),
        ticket.distinctId(),
        status,
        priority,
        update.assignee() == null ? ticket.assignee() : update.assignee().value(),
        update.anonymousTraitsJson() == null
            ? ticket.anonymousTraitsJson()
            : requireValue("anonymous_traits", update.anonymousTraitsJson().value()),
        update.aiResolved() == null
            ? ticket.aiResolved()
            : requireValue("ai_resolved", update.aiResolved().value()),
        update.escalationReason() == null
            ? ticket.escalationReason()
            : update.escalationReason().value(),
        ticket.messageCount(),
        ticket.lastMessageAt(),
        ticket.lastMessageText(),
        ticket.unreadTeamCount(),
        ticket.unreadCustomerCount(),
        ticket.sessionId(),
        ticket.sessionContextJson(),
        update.slaDueAt() == null ? ticket.slaDueAt() : update.slaDueAt().value(),
        snoozedUntil,
        tags,
        update.channelPatchJson() == null
            ? ticket.channelJson()
            : merged(ticket.channelJson(), update.channelPatchJson()),
        ticket.conversationId(),
        ticket.createdAt(),
        now);
  }

  /** The stored JSON object with the patch's fields set over it; a null value removes a field. */
  private static String merged(String storedJson, String patchJson) {
    com.google.protobuf.Struct.Builder merged = ProtoJson.toStruct(storedJson).toBuilder();
    ProtoJson.toStruct(patchJson)
        .getFieldsMap()
        .forEach(
            (name, value) -> {
              if (value.hasNullValue()) {
                merged.removeFields(name);
              } else {
                merged.putFields(name, value);
              }
            });
    return ProtoJson.toJson(merged.build());
  }

  private static String choice(String field, String value, List<String> choices) {
    if (value == null || !choices.contains(value)) {
      throw ParleyException.invalidArgument(field, "\"" + value + "\" is not a valid choice.");
    }
    return value;
  }

  private static <T> T requireValue(String field, T value) {
    if (value == null) {
      throw ParleyException.invalidArgument(field, "This field may not be null.");
    }
    return value;
  }

  private static ParleyException notFound(String idOrNumber) {
    return ParleyException.notFound("Ticket " + idOrNumber + " not found");
  }
}
