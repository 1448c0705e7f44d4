package dev.parley.analytics.domain;

import com.google.common.collect.ImmutableMap;
import dev.parley.platform.error.ParleyException;
import java.util.List;
import java.util.Map;

/**
 * The views of the query language with their fields and kinds: Inkeep's three, and Parley's tickets
 * view.
 */
public enum QueryView {
  CONVERSATIONS(
      "conversations_view",
      "firstMessageTime",
      ImmutableMap.<String, Kind>builder()
          .put("id", Kind.TEXT)
          .put("userMessageCount", Kind.NUMBER)
          .put("organizationId", Kind.TEXT)
          .put("projectId", Kind.TEXT)
          .put("integrationId", Kind.TEXT)
          .put("firstMessageTime", Kind.TIME)
          .put("type", Kind.TEXT)
          .put("properties", Kind.JSON)
          .put("userProperties", Kind.JSON)
          .build()),
  EVENTS(
      "events_view",
      "createdAt",
      ImmutableMap.<String, Kind>builder()
          .put("id", Kind.TEXT)
          .put("organizationId", Kind.TEXT)
          .put("messageId", Kind.TEXT)
          .put("conversationId", Kind.TEXT)
          .put("createdAt", Kind.TIME)
          .put("projectId", Kind.TEXT)
          .put("integrationId", Kind.TEXT)
          .put("eventType", Kind.TEXT)
          .put("type", Kind.TEXT)
          .put("searchQuery", Kind.TEXT)
          .put("properties", Kind.JSON)
          .put("userProperties", Kind.JSON)
          .build()),
  FEEDBACK(
      "feedback_view",
      "createdAt",
      ImmutableMap.<String, Kind>builder()
          .put("id", Kind.TEXT)
          .put("type", Kind.TEXT)
          .put("messageId", Kind.TEXT)
          .put("createdAt", Kind.TIME)
          .put("updatedAt", Kind.TIME)
          .put("organizationId", Kind.TEXT)
          .put("reasons", Kind.JSON)
          .put("sources", Kind.JSON)
          .put("details", Kind.TEXT)
          .put("properties", Kind.JSON)
          .put("userProperties", Kind.JSON)
          .put("conversationId", Kind.TEXT)
          .put("projectId", Kind.TEXT)
          .put("integrationId", Kind.TEXT)
          .build()),
  /**
   * Inkeep's semantic threads, from issues and their clusters: one per conversation whose user
   * asked something. Inkeep's AI annotations are null (booleans are JSON, as the language has no
   * boolean kind).
   */
  SEMANTIC_THREADS(
      "semantic_threads_view",
      "firstMessageTime",
      ImmutableMap.<String, Kind>builder()
          .put("id", Kind.TEXT)
          .put("messageIds", Kind.JSON)
          .put("messagesCount", Kind.NUMBER)
          .put("organizationId", Kind.TEXT)
          .put("question", Kind.TEXT)
          .put("questionLength", Kind.NUMBER)
          .put("answer", Kind.TEXT)
          .put("isOnTopic", Kind.JSON)
          .put("isClear", Kind.JSON)
          .put("isDocumented", Kind.JSON)
          .put("isFeatureSupported", Kind.JSON)
          .put("isAnswerConfident", Kind.JSON)
          .put("gapSummary", Kind.TEXT)
          .put("subject", Kind.TEXT)
          .put("category", Kind.TEXT)
          .put("languages", Kind.JSON)
          .put("firstPartyEntities", Kind.JSON)
          .put("thirdPartyEntities", Kind.JSON)
          .put("emotion", Kind.TEXT)
          .put("sentiment", Kind.TEXT)
          .put("questionType", Kind.TEXT)
          .put("projectId", Kind.TEXT)
          .put("integrationId", Kind.TEXT)
          .put("properties", Kind.JSON)
          .put("userProperties", Kind.JSON)
          .put("firstMessageTime", Kind.TIME)
          .put("lastMessageTime", Kind.TIME)
          .put("lastUpdated", Kind.TIME)
          .put("hasPositiveFeedback", Kind.JSON)
          .put("hasNegativeFeedback", Kind.JSON)
          .put("conversationIds", Kind.JSON)
          .put("areAIAnnotationsVerified", Kind.JSON)
          .put("isInitialQuestionAnswer", Kind.JSON)
          .build()),
  /** Parley's own: tickets, from ticket-service's events (native API only). */
  TICKETS(
      "tickets_view",
      "createdAt",
      ImmutableMap.<String, Kind>builder()
          .put("id", Kind.TEXT)
          .put("organizationId", Kind.TEXT)
          .put("ticketNumber", Kind.NUMBER)
          .put("status", Kind.TEXT)
          .put("priority", Kind.TEXT)
          .put("channelSource", Kind.TEXT)
          .put("assignee", Kind.TEXT)
          .put("conversationId", Kind.TEXT)
          .put("distinctId", Kind.TEXT)
          .put("messageCount", Kind.NUMBER)
          .put("createdAt", Kind.TIME)
          .put("updatedAt", Kind.TIME)
          .build());

  /** The views of Inkeep's language, which property-keys and property-values look in. */
  public static final List<QueryView> INKEEP =
      List.of(CONVERSATIONS, EVENTS, FEEDBACK, SEMANTIC_THREADS);

  /** What a field holds, which decides the operators and aggregations it takes. */
  public enum Kind {
    TEXT,
    NUMBER,
    TIME,
    JSON
  }

  private final String viewName;
  private final String timeField;
  private final Map<String, Kind> fields;

  QueryView(String viewName, String timeField, Map<String, Kind> fields) {
    this.viewName = viewName;
    this.timeField = timeField;
    this.fields = fields;
  }

  /** The name property-keys and property-values take, e.g. "events_view". */
  public String viewName() {
    return viewName;
  }

  /** The field a time selection buckets when it names none. */
  public String timeField() {
    return timeField;
  }

  /** Field names to kinds, in the view's order. */
  public Map<String, Kind> fields() {
    return fields;
  }

  public static QueryView byViewName(String field, String name) {
    return INKEEP.stream()
        .filter(view -> view.viewName.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                ParleyException.invalidArgument(
                    field,
                    "unknown view "
                        + name
                        + "; expected conversations_view, events_view, feedback_view or"
                        + " semantic_threads_view"));
  }
}
