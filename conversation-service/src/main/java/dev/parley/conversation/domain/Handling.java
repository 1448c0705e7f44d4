package dev.parley.conversation.domain;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Locale;

/**
 * How a conversation is handled: its state (a free string, Alli's vocabulary or the caller's own),
 * the agent it is assigned to, its category ids, the end user it belongs to, and the ticket it was
 * escalated to. Null fields are unset.
 */
public record Handling(
    String state,
    String assignee,
    List<String> categories,
    String endUserId,
    String endUserEmail,
    String ticketId) {
  public static final Handling NONE = new Handling(null, null, null, null, null, null);

  /** Handling that names no ticket. */
  public Handling(
      String state,
      String assignee,
      List<String> categories,
      String endUserId,
      String endUserEmail) {
    this(state, assignee, categories, endUserId, endUserEmail, null);
  }

  public Handling {
    categories = categories == null ? null : ImmutableList.copyOf(categories);
  }

  /**
   * Whether the conversation has ended: its state starts with "end" (Alli's END_BY_AGENT,
   * END_BY_USER, END_OF_CHATBOT; "ended") or is "closed" or "resolved", in any case.
   */
  public boolean ended() {
    return state != null && isEndState(state);
  }

  public static boolean isEndState(String state) {
    String lower = state.toLowerCase(Locale.ROOT);
    return lower.startsWith("end") || lower.equals("closed") || lower.equals("resolved");
  }
}
