package dev.parley.conversation.domain;

import com.google.common.collect.ImmutableSet;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/**
 * Which conversations a list, count, bulk update or bulk delete applies to. Every condition that is
 * set must hold; an empty filter matches all of a tenant's conversations. Times are inclusive
 * bounds; {@code activity} is the time of the last message, falling back to the create time.
 */
public record ConversationFilter(
    Set<String> ids,
    String origin,
    Set<String> integrationIds,
    Set<String> endUserIds,
    Set<String> anyCategories,
    String state,
    String assignee,
    Instant activeFrom,
    Instant activeUntil,
    Instant createdFrom,
    Instant createdUntil,
    String text,
    boolean openOnly) {
  public static final ConversationFilter ALL =
      new ConversationFilter(
          null, null, null, null, null, null, null, null, null, null, null, null, false);

  public ConversationFilter {
    ids = ids == null ? null : ImmutableSet.copyOf(ids);
    integrationIds = integrationIds == null ? null : ImmutableSet.copyOf(integrationIds);
    endUserIds = endUserIds == null ? null : ImmutableSet.copyOf(endUserIds);
    anyCategories = anyCategories == null ? null : ImmutableSet.copyOf(anyCategories);
  }

  public static ConversationFilter ofIds(Collection<String> ids) {
    return ALL.withIds(ids);
  }

  /** Whether no condition is set. */
  public boolean isEmpty() {
    return equals(ALL);
  }

  public ConversationFilter withIds(Collection<String> newIds) {
    return new ConversationFilter(
        newIds == null ? null : Set.copyOf(newIds),
        origin,
        integrationIds,
        endUserIds,
        anyCategories,
        state,
        assignee,
        activeFrom,
        activeUntil,
        createdFrom,
        createdUntil,
        text,
        openOnly);
  }

  public ConversationFilter withOrigin(String newOrigin) {
    return new ConversationFilter(
        ids,
        newOrigin,
        integrationIds,
        endUserIds,
        anyCategories,
        state,
        assignee,
        activeFrom,
        activeUntil,
        createdFrom,
        createdUntil,
        text,
        openOnly);
  }
}
