package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * A change to a conversation's handling, field by field: each field is kept, cleared or set, said
 * explicitly (an empty string means nothing here; a dialect where it clears says so with {@link
 * Edit#emptyClears}). Categories are kept (null) or replaced (an empty list clears them).
 */
public record HandlingChange(
    Edit state,
    Edit assignee,
    List<String> categories,
    Edit endUserId,
    Edit endUserEmail,
    Edit ticketId) {
  /** Changes nothing. */
  public static final HandlingChange NONE = builder().build();

  public HandlingChange {
    requireNonNull(state, "state is null");
    requireNonNull(assignee, "assignee is null");
    requireNonNull(endUserId, "endUserId is null");
    requireNonNull(endUserEmail, "endUserEmail is null");
    requireNonNull(ticketId, "ticketId is null");
    categories = categories == null ? null : ImmutableList.copyOf(categories);
  }

  /** The handling after this change. */
  public Handling applyTo(Handling stored) {
    return new Handling(
        state.applyTo(stored.state()),
        assignee.applyTo(stored.assignee()),
        categories != null ? categories : stored.categories(),
        endUserId.applyTo(stored.endUserId()),
        endUserEmail.applyTo(stored.endUserEmail()),
        ticketId.applyTo(stored.ticketId()));
  }

  /** Whether it changes nothing. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What happens to one field. */
  public sealed interface Edit {
    /** The stored value stays. */
    Edit KEEP = new Keep();

    /** The field becomes unset. */
    Edit CLEAR = new Clear();

    /** Keep. */
    record Keep() implements Edit {}

    /** Clear. */
    record Clear() implements Edit {}

    /** Set to the value. */
    record To(String value) implements Edit {
      public To {
        requireNonNull(value, "value is null");
      }
    }

    /** Sets the value; null keeps the stored one. */
    static Edit to(String value) {
      return value == null ? KEEP : new To(value);
    }

    /** A dialect's text, where an empty string clears the field and null keeps it. */
    static Edit emptyClears(String value) {
      if (value == null) {
        return KEEP;
      }
      return value.isEmpty() ? CLEAR : new To(value);
    }

    /** The field's value after the edit. */
    default String applyTo(String stored) {
      return switch (this) {
        case Keep keep -> stored;
        case Clear clear -> null;
        case To to -> to.value();
      };
    }
  }

  /** Builds a change; every field is kept unless set. */
  public static final class Builder {
    private Edit state = Edit.KEEP;
    private Edit assignee = Edit.KEEP;
    private List<String> categories;
    private Edit endUserId = Edit.KEEP;
    private Edit endUserEmail = Edit.KEEP;
    private Edit ticketId = Edit.KEEP;

    private Builder() {}

    public Builder state(Edit edit) {
      this.state = requireNonNull(edit, "edit is null");
      return this;
    }

    public Builder assignee(Edit edit) {
      this.assignee = requireNonNull(edit, "edit is null");
      return this;
    }

    /** Replaces the categories (an empty list clears them); null keeps them. */
    public Builder categories(List<String> categories) {
      this.categories = categories;
      return this;
    }

    public Builder endUserId(Edit edit) {
      this.endUserId = requireNonNull(edit, "edit is null");
      return this;
    }

    public Builder endUserEmail(Edit edit) {
      this.endUserEmail = requireNonNull(edit, "edit is null");
      return this;
    }

    public Builder ticketId(Edit edit) {
      this.ticketId = requireNonNull(edit, "edit is null");
      return this;
    }

    public HandlingChange build() {
      return new HandlingChange(state, assignee, categories, endUserId, endUserEmail, ticketId);
    }
  }
}
