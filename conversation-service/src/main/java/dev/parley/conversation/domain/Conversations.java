package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.ConversationStore.PageRequest;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

  private final ConversationStore store;
  private final Clock clock;

  @Inject
  public Conversations(ConversationStore store, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A page of conversations with the total across all pages. */
  public record Page(List<Conversation> conversations, int total) {}

  /** A page that follows a cursor, with the cursor of the next page (null on the last one). */
  public record CursorPage(List<Conversation> conversations, int total, Cursor next) {}

  /**
   * Creates the conversation, or replaces the stored one with the same id: every field and the
   * whole message list take the sent values. The stored create times are kept when none is sent,
   * and a message sent without an id keeps the id of the stored message at its position when the
   * roles match, so clients that resend the whole list see stable message ids.
   */
  public Conversation replace(String tenantId, String source, ConversationDraft draft) {
    String id = draft.id() == null ? newId("conv_") : checkId("id", draft.id());
    List<MessageDraft> drafts = checkMessages(draft);
    return store.change(
        tenantId, id, existing -> conversation(tenantId, source, id, draft, drafts, existing));
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
    return store.find(tenantId, id, true).orElseThrow(() -> notFound(id));
  }

  public Conversation getByExternalId(String tenantId, String externalId) {
    return findByExternalId(tenantId, externalId)
        .orElseThrow(
            () -> ParleyException.notFound("No conversation with external id " + externalId));
  }

  /** The conversations with these ids, by id; unknown ids are left out. */
  public Map<String, Conversation> getAll(String tenantId, java.util.Collection<String> ids) {
    Map<String, Conversation> byId = new HashMap<>();
    if (!ids.isEmpty()) {
      store
          .findAll(tenantId, ids)
          .forEach(conversation -> byId.put(conversation.id(), conversation));
    }
    return byId;
  }

  /**
   * Up to {@code limit} conversations after the cursor (from the newest when it is null), of one
   * origin when it is not null.
   */
  public CursorPage pageAfter(
      String tenantId, Cursor after, int limit, String origin, boolean withMessages) {
    // One more than asked tells whether another page follows.
    Page page = list(tenantId, new PageRequest(0, limit + 1, after, origin), withMessages);
    List<Conversation> items = page.conversations();
    if (limit == 0 || items.size() <= limit) {
      return new CursorPage(items.subList(0, Math.min(limit, items.size())), page.total(), null);
    }
    Conversation last = items.get(limit - 1);
    return new CursorPage(
        items.subList(0, limit), page.total(), new Cursor(last.createTime(), last.id()));
  }

  public Optional<Conversation> findByExternalId(String tenantId, String externalId) {
    return store.findByExternalId(tenantId, externalId);
  }

  public Page list(String tenantId, PageRequest page, boolean withMessages) {
    return new Page(store.list(tenantId, page, withMessages), store.count(tenantId, page.origin()));
  }

  public void delete(String tenantId, String id) {
    if (!store.delete(tenantId, id)) {
      throw notFound(id);
    }
  }

  /** Checks what can be checked before reading the stored conversation. */
  private static List<MessageDraft> checkMessages(ConversationDraft draft) {
    requireNonNull(draft.kind(), "kind is null");
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
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<Message> messages = messages(drafts, existing, now);
    return new Conversation(
        tenantId,
        id,
        draft.externalId(),
        draft.externalUrl(),
        draft.kind(),
        draft.title(),
        existing == null ? source : existing.source(),
        // Where it came from is kept from the first write.
        existing != null && existing.origin() != null ? existing.origin() : draft.origin(),
        draft.visibility(),
        draft.supportTicketConversationId(),
        draft.projectId(),
        draft.integrationId(),
        draft.propertiesJson(),
        draft.userPropertiesJson(),
        draft.tags(),
        firstNonNull(draft.createTime(), existing == null ? null : existing.createTime(), now),
        firstNonNull(draft.updateTime(), now, now),
        messages.size(),
        messages);
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
