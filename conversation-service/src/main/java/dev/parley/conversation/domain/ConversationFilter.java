package dev.parley.conversation.domain;

import com.google.common.collect.ImmutableSet;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/**
 * Which conversations a list, count, bulk update or bulk delete applies to. Every condition that is
 * set must hold; an empty filter matches all of a tenant's conversations. Times are inclusive
 * bounds; {@code activity} is the time of the last message, falling back to the create time. Build
 * one with {@link #builder()}.
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
  public static final ConversationFilter ALL = builder().build();

  public ConversationFilter {
    ids = copy(ids);
    integrationIds = copy(integrationIds);
    endUserIds = copy(endUserIds);
    anyCategories = copy(anyCategories);
  }

  public static ConversationFilter ofIds(Collection<String> ids) {
    return builder().ids(ids).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether no condition is set. */
  public boolean isEmpty() {
    return equals(ALL);
  }

  private static Set<String> copy(Collection<String> values) {
    return values == null ? null : ImmutableSet.copyOf(values);
  }

  /** Sets conditions one by one; a null or empty collection sets none. */
  public static final class Builder {
    private Set<String> ids;
    private String origin;
    private Set<String> integrationIds;
    private Set<String> endUserIds;
    private Set<String> anyCategories;
    private String state;
    private String assignee;
    private Instant activeFrom;
    private Instant activeUntil;
    private Instant createdFrom;
    private Instant createdUntil;
    private String text;
    private boolean openOnly;

    private Builder() {}

    public Builder ids(Collection<String> values) {
      ids = nonEmpty(values);
      return this;
    }

    public Builder origin(String value) {
      origin = value;
      return this;
    }

    public Builder integrationIds(Collection<String> values) {
      integrationIds = nonEmpty(values);
      return this;
    }

    public Builder endUserIds(Collection<String> values) {
      endUserIds = nonEmpty(values);
      return this;
    }

    /** Conversations in any of these categories. */
    public Builder anyCategories(Collection<String> values) {
      anyCategories = nonEmpty(values);
      return this;
    }

    public Builder state(String value) {
      state = value;
      return this;
    }

    public Builder assignee(String value) {
      assignee = value;
      return this;
    }

    public Builder activeFrom(Instant value) {
      activeFrom = value;
      return this;
    }

    public Builder activeUntil(Instant value) {
      activeUntil = value;
      return this;
    }

    public Builder createdFrom(Instant value) {
      createdFrom = value;
      return this;
    }

    public Builder createdUntil(Instant value) {
      createdUntil = value;
      return this;
    }

    /** Full-text search over the title and the messages. */
    public Builder text(String value) {
      text = value;
      return this;
    }

    /** Only conversations that have not ended. */
    public Builder openOnly(boolean value) {
      openOnly = value;
      return this;
    }

    public ConversationFilter build() {
      return new ConversationFilter(
          ids,
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

    private static Set<String> nonEmpty(Collection<String> values) {
      return values == null || values.isEmpty() ? null : Set.copyOf(values);
    }
  }
}
