package dev.parley.conversation.store;

import static dev.parley.conversation.store.JooqConversationStore.CONVERSATION;

import com.google.common.collect.ImmutableList;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationStore.SearchHit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * PostgreSQL full-text search over titles and message bodies. Both tables keep a generated {@code
 * search_vector} (the 'simple' configuration: words as written, in any language) behind a GIN
 * index; the caller's text is parsed by {@code websearch_to_tsquery}, so quotes, {@code or} and
 * {@code -} work as on a web search engine and no input is a syntax error. The query is written
 * inline in every condition, not joined from a CTE, so that the planner uses the GIN indexes. Title
 * matches weigh 3, message matches 2 (Bedrock Chat's boosts); ties go to the conversation with the
 * newest message.
 */
final class ConversationSearch {
  private static final String HEADLINE_OPTIONS =
      "StartSel=<em>, StopSel=</em>, MaxWords=25, MinWords=8, ShortWord=2";
  private static final int BODY_FRAGMENTS = 3;

  private ConversationSearch() {}

  /** Whether the conversation's title or one of its messages matches the text. */
  static Condition matches(Table<?> conversation, String text) {
    return DSL.condition(
        "({0}.search_vector @@ websearch_to_tsquery('simple', {1}) OR EXISTS ("
            + "SELECT 1 FROM conversation.message AS m WHERE m.tenant_id = {0}.tenant_id"
            + " AND m.conversation_id = {0}.id"
            + " AND m.search_vector @@ websearch_to_tsquery('simple', {1})))",
        conversation, DSL.val(text));
  }

  static List<SearchHit> run(DSLContext dsl, String tenantId, String text, int limit) {
    Map<String, Double> ranks = new LinkedHashMap<>();
    dsl.resultQuery(
            """
            WITH hits AS (
              SELECT c.id, ts_rank(c.search_vector, websearch_to_tsquery('simple', {0})) * 3 AS rank
                FROM conversation.conversation AS c
               WHERE c.tenant_id = {1} AND c.delete_time IS NULL
                 AND c.search_vector @@ websearch_to_tsquery('simple', {0})
              UNION ALL
              SELECT m.conversation_id,
                     ts_rank(m.search_vector, websearch_to_tsquery('simple', {0})) * 2
                FROM conversation.message AS m
               WHERE m.tenant_id = {1} AND m.search_vector @@ websearch_to_tsquery('simple', {0})
            )
            SELECT h.id, sum(h.rank) AS rank
              FROM hits AS h
              JOIN conversation.conversation AS c
                ON c.tenant_id = {1} AND c.id = h.id AND c.delete_time IS NULL
             GROUP BY h.id, c.last_message_time
             ORDER BY rank DESC, c.last_message_time DESC, h.id
             LIMIT {2}
            """,
            DSL.val(text), DSL.val(tenantId), DSL.val(limit))
        .fetch()
        .forEach(row -> ranks.put(row.get(0, String.class), row.get(1, Double.class)));
    if (ranks.isEmpty()) {
      return List.of();
    }
    String[] ids = ranks.keySet().toArray(String[]::new);
    Map<String, Conversation> conversations = new HashMap<>();
    dsl.selectFrom(CONVERSATION)
        .where(CONVERSATION.TENANT_ID.eq(tenantId), CONVERSATION.ID.in(ranks.keySet()))
        .fetch()
        .forEach(
            row ->
                conversations.put(row.getId(), JooqConversationStore.conversation(row, List.of())));
    Map<String, String> titles = new HashMap<>();
    dsl.resultQuery(
            """
            SELECT c.id, ts_headline('simple', c.title, websearch_to_tsquery('simple', {0}), {3})
              FROM conversation.conversation AS c
             WHERE c.tenant_id = {1} AND c.id = ANY({2})
               AND c.search_vector @@ websearch_to_tsquery('simple', {0})
            """,
            DSL.val(text),
            DSL.val(tenantId),
            DSL.val(ids),
            DSL.val(HEADLINE_OPTIONS + ", HighlightAll=true"))
        .fetch()
        .forEach(row -> titles.put(row.get(0, String.class), row.get(1, String.class)));
    Map<String, List<String>> bodies = new HashMap<>();
    dsl.resultQuery(
            """
            SELECT conversation_id, fragment FROM (
              SELECT m.conversation_id,
                     ts_headline('simple', conversation.plain_text(m.content_json),
                                 websearch_to_tsquery('simple', {0}), {3}) AS fragment,
                     row_number() OVER (PARTITION BY m.conversation_id
                                        ORDER BY ts_rank(m.search_vector,
                                                         websearch_to_tsquery('simple', {0})) DESC,
                                                 m.position) AS n
                FROM conversation.message AS m
               WHERE m.tenant_id = {1} AND m.conversation_id = ANY({2})
                 AND m.search_vector @@ websearch_to_tsquery('simple', {0})
            ) AS ranked
            WHERE n <= {4}
            ORDER BY conversation_id, n
            """,
            DSL.val(text),
            DSL.val(tenantId),
            DSL.val(ids),
            DSL.val(HEADLINE_OPTIONS),
            DSL.val(BODY_FRAGMENTS))
        .fetch()
        .forEach(
            (Record row) ->
                bodies
                    .computeIfAbsent(row.get(0, String.class), ignored -> new ArrayList<>())
                    .add(row.get(1, String.class)));
    ImmutableList.Builder<SearchHit> hits = ImmutableList.builder();
    ranks.forEach(
        (id, rank) -> {
          Conversation conversation = conversations.get(id);
          if (conversation != null) {
            hits.add(
                new SearchHit(
                    conversation, rank, titles.get(id), bodies.getOrDefault(id, List.of())));
          }
        });
    return hits.build();
  }
}
