package dev.parley.conversation.domain;

/**
 * How a conversation's messages are shaped; see {@code parley.conversation.v1.ConversationKind}.
 */
public enum ConversationKind {
  CHAT,
  SUPPORT_TICKET,
  SUPPORT_COPILOT
}
