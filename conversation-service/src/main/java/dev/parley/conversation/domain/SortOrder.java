package dev.parley.conversation.domain;

import java.time.Instant;

/** The orders a conversation list can take; every one breaks ties by id. */
public enum SortOrder {
  CREATED_DESC(Key.CREATED, true),
  CREATED_ASC(Key.CREATED, false),
  UPDATED_DESC(Key.UPDATED, true),
  UPDATED_ASC(Key.UPDATED, false),
  /** By the time of the last message (the create time without messages), newest first. */
  ACTIVITY_DESC(Key.ACTIVITY, true),
  ACTIVITY_ASC(Key.ACTIVITY, false);

  /** The time a list is sorted by. */
  public enum Key {
    CREATED,
    UPDATED,
    ACTIVITY
  }

  private final Key key;
  private final boolean descending;

  SortOrder(Key key, boolean descending) {
    this.key = key;
    this.descending = descending;
  }

  public Key key() {
    return key;
  }

  public boolean descending() {
    return descending;
  }

  /** The time of a conversation this order sorts by. */
  public Instant timeOf(Conversation conversation) {
    return switch (key) {
      case CREATED -> conversation.createTime();
      case UPDATED -> conversation.updateTime();
      case ACTIVITY ->
          conversation.lastMessageTime() != null
              ? conversation.lastMessageTime()
              : conversation.createTime();
    };
  }
}
