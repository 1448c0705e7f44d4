package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.conversation.domain.ConversationDraft.Kept;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.ConversationStore.Query;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.paging.PageBudget;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The rules of conversations, shared by the native API and every dialect. */
public final class Conversations {
  public static final int MAX_MESSAGES = 10_000;
  private static final int MAX_ID_LENGTH = 128;
  private static final int MAX_EXTERNAL_ID_LENGTH = 256;
  private static final int MAX_ROLE_LENGTH = 64;
  private static final int MAX_TAGS = 100;
  private static final int MAX_TITLE_LENGTH = 1000;
  private static final int MAX_QUERY_LENGTH = 1000;

  private final ConversationStore store;
  private final Clock clock;
  private final TicketLink tickets;

  @Inject
  public Conversations(ConversationStore store, Clock clock, TicketLink tickets) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.tickets = requireNonNull(tickets, "tickets is null");
  }

  /** A page of conversations with the total across all pages. */
  public record Page(List<Conversation> conversations, int total) {}

  /** A page that follows a cursor, with the cursor of the next page (null on the last one). */
  public record CursorPage(List<Conversation> conversations, int total, Cursor next) {}

  /**
   * Creates the conversation, or replaces the stored one with the same id: every field (but those
   * the draft keeps) and the whole message list take the sent values. The stored create times are
   * kept when none is sent, and a message sent without an id keeps the id of the stored message at
   * its position when the roles match, so clients that resend the whole list see stable message
   * ids.
   */
  public Conversation replace(String tenantId, String source, ConversationDraft draft) {
    String id = draft.id() == null ? newId("conv_") : checkId("id", draft.id());
    List<MessageDraft> drafts = checkMessages(draft);
    return store.change(
        tenantId, id, existing -> conversation(tenantId, source, id, draft, drafts, existing));
  }

  /**
   * Escalates the conversation to a support ticket (the one it already has, if any), records its
   * messages there, and links the two: ticket-service records later messages from the event stream
   * as they come. Escalating again is harmless and records whatever the ticket missed.
   */
  public TicketLink.Escalation escalate(String tenantId, String id, String reason) {
    checkLength("escalation_reason", reason, MAX_TITLE_LENGTH);
    Conversation conversation = get(tenantId, id);
    TicketLink.Escalation escalation = tickets.escalate(conversation, reason);
    store.update(
        tenantId,
        ConversationFilter.ofIds(List.of(id)),
        null,
        HandlingChange.builder().ticketId(Edit.to(escalation.ticketId())).build(),
        now());
    return escalation;
  }

  /** Creates a conversation; ALREADY_EXISTS when its id is taken. */
  public Conversation create(String tenantId, String source, ConversationDraft draft) {
    String id = draft.id() == null ? newId("conv_") : checkId("id", draft.id());
    List<MessageDraft> drafts = checkMessages(draft);
    return store.change(
        tenantId,
        id,
        existing -> {
          if (existing != null) {
            throw new ParleyException(
                ErrorCode.ALREADY_EXISTS, "Conversation " + id + " already exists");
          }
          return conversation(tenantId, source, id, draft, drafts, null);
        });
  }

  public Conversation get(String tenantId, String id) {
    return find(tenantId, id).orElseThrow(() -> notFound(id));
  }

  /** The conversation with its messages, if the tenant has it. */
  public Optional<Conversation> find(String tenantId, String id) {
    return store.find(tenantId, id, true);
  }

  /** The conversation without its messages (messageCount is right), if the tenant has it. */
  public Optional<Conversation> summary(String tenantId, String id) {
    return store.find(tenantId, id, false);
  }

  /** NOT_FOUND unless the tenant has the conversation; its messages are not read. */
  public void checkExists(String tenantId, String id) {
    if (summary(tenantId, id).isEmpty()) {
      throw notFound(id);
    }
  }

  public Conversation getByExternalId(String tenantId, String externalId) {
    return findByExternalId(tenantId, externalId)
        .orElseThrow(
            () -> ParleyException.notFound("No conversation with external id " + externalId));
  }

  /** The conversations with these ids, by id; unknown ids are left out. */
  public Map<String, Conversation> getAll(String tenantId, Collection<String> ids) {
    Map<String, Conversation> byId = new HashMap<>();
    if (!ids.isEmpty()) {
      store
          .findAll(tenantId, ids)
          .forEach(conversation -> byId.put(conversation.id(), conversation));
    }
    return byId;
  }

  /**
   * Up to {@code limit} conversations matching the filter after the cursor (from the start when it
   * is null), in the given order.
   */
  public CursorPage pageAfter(
      String tenantId,
      ConversationFilter filter,
      SortOrder order,
      Cursor after,
      int limit,
      boolean withMessages) {
    return pageAfter(tenantId, filter, order, after, limit, withMessages, 0);
  }

  /** {@link #pageAfter}, loading only each conversation's latest messages (all when 0). */
  public CursorPage pageAfter(
      String tenantId,
      ConversationFilter filter,
      SortOrder order,
      Cursor after,
      int limit,
      boolean withMessages,
      int latestMessages) {
    // One more than asked tells whether another page follows.
    Query query = new Query(filter, order, 0, limit + 1, after, latestMessages);
    List<Conversation> items = store.list(tenantId, query, withMessages);
    int total = store.count(tenantId, filter);
    PageBudget.Fitted<Conversation> page = PageBudget.page(items, limit);
    if (!page.more()) {
      return new CursorPage(page.items(), total, null);
    }
    Conversation last = page.items().getLast();
    return new CursorPage(page.items(), total, new Cursor(order.timeOf(last), last.id()));
  }

  public Optional<Conversation> findByExternalId(String tenantId, String externalId) {
    return store.findByExternalId(tenantId, externalId);
  }

  /**
   * A page at the query's offset: up to its limit, fewer when the conversations would exceed the
   * page's byte budget (the next page starts after the last one returned).
   */
  public Page list(String tenantId, Query query, boolean withMessages) {
    return new Page(
        PageBudget.fit(store.list(tenantId, query, withMessages)),
        store.count(tenantId, query.filter()));
  }

  public void delete(String tenantId, String id) {
    if (store.delete(tenantId, ConversationFilter.ofIds(List.of(id))).isEmpty()) {
      throw notFound(id);
    }
  }

  /** Deletes every conversation matching the filter; the ids deleted. */
  public List<String> deleteAll(String tenantId, ConversationFilter filter) {
    return store.delete(tenantId, filter);
  }

  /** True when the conversation was soft-deleted (PostHog tells such an id from a new one). */
  public boolean softDeleted(String tenantId, String id) {
    return store.softDeleted(tenantId, id);
  }

  /** Marks the conversation deleted: it disappears from every dialect, as if deleted. */
  public void softDelete(String tenantId, String id) {
    if (!store.softDelete(tenantId, id, now())) {
      throw notFound(id);
    }
  }

  /**
   * Sets the title (when not null) and the set fields of the handling on every conversation
   * matching the filter; the number changed.
   */
  public int update(
      String tenantId, ConversationFilter filter, String title, HandlingChange handling) {
    checkHandling(handling);
    checkLength("title", title, MAX_TITLE_LENGTH);
    return store.update(tenantId, filter, title, handling, now());
  }

  /** {@link #update} of one conversation; NOT_FOUND when there is none. */
  public void updateOne(String tenantId, String id, String title, HandlingChange handling) {
    if (update(tenantId, ConversationFilter.ofIds(List.of(id)), title, handling) == 0) {
      throw notFound(id);
    }
  }

  /**
   * Appends a message after the last one (its parent unless the draft names one); NOT_FOUND when
   * the conversation does not exist.
   */
  public Message append(String tenantId, String conversationId, MessageDraft draft) {
    Message[] appended = new Message[1];
    store.change(
        tenantId,
        conversationId,
        existing -> {
          if (existing == null) {
            throw notFound(conversationId);
          }
          if (existing.messageCount() >= MAX_MESSAGES) {
            throw ParleyException.invalidArgument(
                "message", "a conversation holds at most " + MAX_MESSAGES + " messages");
          }
          List<MessageDraft> drafts = new ArrayList<>(drafts(existing.messages()));
          drafts.add(draft);
          ConversationDraft changed = draftOf(existing, drafts);
          checkMessages(changed);
          Conversation result =
              conversation(tenantId, existing.source(), conversationId, changed, drafts, existing);
          appended[0] = result.messages().getLast();
          return result;
        });
    return appended[0];
  }

  /**
   * Replaces one message's content and properties in place (an answer continued); NOT_FOUND when
   * the conversation or the message does not exist.
   */
  public Message rewrite(
      String tenantId,
      String conversationId,
      String messageId,
      String contentJson,
      String propertiesJson) {
    Message[] rewritten = new Message[1];
    store.change(
        tenantId,
        conversationId,
        existing -> {
          if (existing == null) {
            throw notFound(conversationId);
          }
          List<MessageDraft> drafts = new ArrayList<>();
          for (MessageDraft draft : drafts(existing.messages())) {
            drafts.add(
                draft.id().equals(messageId)
                    ? draft.toBuilder()
                        .contentJson(contentJson)
                        .propertiesJson(propertiesJson)
                        .updateTime(now())
                        .build()
                    : draft);
          }
          Conversation result =
              conversation(
                  tenantId,
                  existing.source(),
                  conversationId,
                  draftOf(existing, drafts),
                  drafts,
                  existing);
          rewritten[0] =
              result.messages().stream()
                  .filter(message -> message.id().equals(messageId))
                  .findFirst()
                  .orElseThrow(
                      () -> ParleyException.notFound("Message " + messageId + " not found"));
          return result;
        });
    return rewritten[0];
  }

  /** The end users with these ids (at most 1000); unknown ones are left out. */
  public List<EndUser> endUsers(String tenantId, Collection<String> ids) {
    if (ids.size() > 1000) {
      throw ParleyException.invalidArgument("end_user_ids", "at most 1000 ids");
    }
    return ids.isEmpty() ? List.of() : store.endUsers(tenantId, ids);
  }

  /** Searches titles and message bodies; at most {@code limit} hits, best first. */
  public List<ConversationStore.SearchHit> search(String tenantId, String query, int limit) {
    if (query == null || query.isBlank()) {
      throw ParleyException.invalidArgument("query", "is required");
    }
    checkLength("query", query, MAX_QUERY_LENGTH);
    return store.search(tenantId, query.strip(), limit);
  }

  /** The drafts that store these messages again as they are. */
  public static List<MessageDraft> drafts(List<Message> messages) {
    return messages.stream()
        .map(
            message ->
                MessageDraft.builder()
                    .id(message.id())
                    .parentId(message.parentId())
                    .role(message.role())
                    .contentJson(message.contentJson())
                    .name(message.name())
                    .externalId(message.externalId())
                    .externalUrl(message.externalUrl())
                    .linksJson(message.linksJson())
                    .toolCallsJson(message.toolCallsJson())
                    .propertiesJson(message.propertiesJson())
                    .userPropertiesJson(message.userPropertiesJson())
                    .createTime(message.createTime())
                    .updateTime(message.updateTime())
                    .build())
        .toList();
  }

  /** The draft that stores the conversation again as it is, with these messages. */
  private static ConversationDraft draftOf(Conversation existing, List<MessageDraft> messages) {
    return ConversationDraft.builder()
        .id(existing.id())
        .externalId(existing.externalId())
        .externalUrl(existing.externalUrl())
        .kind(existing.kind())
        .title(existing.title())
        .origin(existing.origin())
        .visibility(existing.visibility())
        .supportTicketConversationId(existing.supportTicketConversationId())
        .projectId(existing.projectId())
        .integrationId(existing.integrationId())
        .propertiesJson(existing.propertiesJson())
        .userPropertiesJson(existing.userPropertiesJson())
        .tags(existing.tags())
        .createTime(existing.createTime())
        .messages(messages)
        .build();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static void checkHandling(HandlingChange handling) {
    if (handling == null) {
      return;
    }
    checkLength("state", handling.state().applyTo(null), 64);
    checkLength("assignee", handling.assignee().applyTo(null), MAX_EXTERNAL_ID_LENGTH);
    checkLength("endUserId", handling.endUserId().applyTo(null), MAX_EXTERNAL_ID_LENGTH);
    checkLength("endUserEmail", handling.endUserEmail().applyTo(null), MAX_EXTERNAL_ID_LENGTH);
    if (handling.categories() != null && handling.categories().size() > MAX_TAGS) {
      throw ParleyException.invalidArgument("categories", "at most " + MAX_TAGS + " categories");
    }
  }

  /** Checks what can be checked before reading the stored conversation. */
  private static List<MessageDraft> checkMessages(ConversationDraft draft) {
    requireNonNull(draft.kind(), "kind is null");
    checkHandling(draft.handling());
    checkLength("title", draft.title(), MAX_TITLE_LENGTH);
    checkLength("externalId", draft.externalId(), MAX_EXTERNAL_ID_LENGTH);
    if (draft.tags() != null && draft.tags().size() > MAX_TAGS) {
      throw ParleyException.invalidArgument("tags", "at most " + MAX_TAGS + " tags");
    }
    if (draft.messages().size() > MAX_MESSAGES) {
      throw ParleyException.invalidArgument(
          "messages", "at most " + MAX_MESSAGES + " messages per conversation");
    }
    for (int index = 0; index < draft.messages().size(); index++) {
      MessageDraft message = draft.messages().get(index);
      String field = "messages[" + index + "]";
      if (message.role() == null || message.role().isBlank()) {
        throw ParleyException.invalidArgument(field + ".role", "is required");
      }
      checkLength(field + ".role", message.role(), MAX_ROLE_LENGTH);
      checkLength(field + ".externalId", message.externalId(), MAX_EXTERNAL_ID_LENGTH);
      if (message.id() != null) {
        checkId(field + ".id", message.id());
      }
    }
    return draft.messages();
  }

  /** The conversation the draft makes of the stored one (null when there is none). */
  private Conversation conversation(
      String tenantId,
      String source,
      String id,
      ConversationDraft draft,
      List<MessageDraft> drafts,
      Conversation existing) {
    Instant now = now();
    List<Message> messages = messages(drafts, existing, now);
    return new Conversation(
        tenantId,
        id,
        draft.valueOr(Kept.EXTERNAL_ID, draft.externalId(), existing, Conversation::externalId),
        draft.valueOr(Kept.EXTERNAL_URL, draft.externalUrl(), existing, Conversation::externalUrl),
        draft.kind(),
        draft.valueOr(Kept.TITLE, draft.title(), existing, Conversation::title),
        existing == null ? source : existing.source(),
        // Where it came from is kept from the first write.
        existing != null && existing.origin() != null ? existing.origin() : draft.origin(),
        draft.valueOr(Kept.VISIBILITY, draft.visibility(), existing, Conversation::visibility),
        draft.valueOr(
            Kept.SUPPORT_TICKET_CONVERSATION_ID,
            draft.supportTicketConversationId(),
            existing,
            Conversation::supportTicketConversationId),
        draft.valueOr(Kept.PROJECT_ID, draft.projectId(), existing, Conversation::projectId),
        draft.valueOr(
            Kept.INTEGRATION_ID, draft.integrationId(), existing, Conversation::integrationId),
        draft.valueOr(
            Kept.PROPERTIES, draft.propertiesJson(), existing, Conversation::propertiesJson),
        draft.valueOr(
            Kept.USER_PROPERTIES,
            draft.userPropertiesJson(),
            existing,
            Conversation::userPropertiesJson),
        draft.valueOr(Kept.TAGS, draft.tags(), existing, Conversation::tags),
        handling(existing, draft.handling()),
        firstNonNull(draft.createTime(), existing == null ? null : existing.createTime(), now),
        firstNonNull(draft.updateTime(), now, now),
        messages.stream().map(Message::createTime).max(Instant::compareTo).orElse(null),
        messages.size(),
        messages);
  }

  private static Handling handling(Conversation existing, HandlingChange change) {
    Handling stored = existing == null ? Handling.NONE : existing.handling();
    return change == null ? stored : change.applyTo(stored);
  }

  private List<Message> messages(List<MessageDraft> drafts, Conversation existing, Instant now) {
    List<Message> stored = existing == null ? List.of() : existing.messages();
    Map<String, Message> storedById = new HashMap<>();
    stored.forEach(message -> storedById.put(message.id(), message));
    Set<String> seen = new HashSet<>();
    ImmutableList.Builder<Message> messages = ImmutableList.builder();
    String previousId = null;
    for (int index = 0; index < drafts.size(); index++) {
      MessageDraft draft = drafts.get(index);
      String id;
      if (draft.id() != null) {
        id = draft.id();
      } else if (index < stored.size() && stored.get(index).role().equals(draft.role())) {
        id = stored.get(index).id();
      } else {
        id = newId("msg_");
      }
      if (!seen.add(id)) {
        throw ParleyException.invalidArgument(
            "messages[" + index + "].id", "duplicate message id " + id);
      }
      Message before = storedById.get(id);
      Instant createTime =
          firstNonNull(draft.createTime(), before == null ? null : before.createTime(), now);
      messages.add(
          new Message(
              id,
              draft.parentId() == null ? previousId : draft.parentId(),
              draft.role(),
              draft.contentJson(),
              draft.name(),
              draft.externalId(),
              draft.externalUrl(),
              draft.linksJson(),
              draft.toolCallsJson(),
              draft.propertiesJson(),
              draft.userPropertiesJson(),
              createTime,
              // A message written "in the future" (a client clock ahead) never ends before it
              // starts.
              draft.updateTime() != null
                  ? draft.updateTime()
                  : (createTime.isAfter(now) ? createTime : now)));
      previousId = id;
    }
    return messages.build();
  }

  /** Ids appear in URL paths: printable, no slash, at most 128 characters. */
  public static String checkId(String field, String id) {
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw ParleyException.invalidArgument(field, "must be 1.." + MAX_ID_LENGTH + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isISOControl(c) || c == '/' || Character.isWhitespace(c)) {
        throw ParleyException.invalidArgument(
            field, "must not contain whitespace, control characters or '/'");
      }
    }
    return id;
  }

  private static void checkLength(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw ParleyException.invalidArgument(field, "must be at most " + max + " characters");
    }
  }

  private static Instant firstNonNull(Instant first, Instant second, Instant fallback) {
    if (first != null) {
      return first;
    }
    return second != null ? second : fallback;
  }

  private static String newId(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  private static ParleyException notFound(String id) {
    return ParleyException.notFound("Conversation " + id + " not found");
  }
}
