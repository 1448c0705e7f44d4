package dev.parley.conversation.domain;

/** Sharing visibility of a conversation. */
public enum Visibility {
  PRIVATE,
  PUBLIC
}
