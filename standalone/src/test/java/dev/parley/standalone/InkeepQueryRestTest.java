package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.eventually;
import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import dev.parley.analytics.v1.AnalyticsServiceGrpc;
import dev.parley.analytics.v1.ExportQueryRequest;
import dev.parley.analytics.v1.ListPropertyKeysRequest;
import dev.parley.analytics.v1.ListPropertyValuesRequest;
import dev.parley.analytics.v1.ListTopSearchQueriesRequest;
import dev.parley.analytics.v1.ListWeeklySearchUsersRequest;
import dev.parley.analytics.v1.Query;
import dev.parley.analytics.v1.QueryResult;
import dev.parley.analytics.v1.RunQueryRequest;
import dev.parley.analytics.v1.SearchQueryCount;
import dev.parley.analytics.v1.View;
import dev.parley.analytics.v1.WeekUsers;
import dev.parley.standalone.TestingParley.Response;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Inkeep's query API through the REST gateway, over conversations, feedback and events logged
 * through Inkeep and learned by analytics-service from conversation-service's event stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InkeepQueryRestTest {
  private TestingParley parley;
  private String key;
  private String other;

  @BeforeAll
  void logTheCorpus() {
    parley = TestingParley.get();
    key = parley.key("inkeep-query", "conversation:read,conversation:write");
    other = parley.key("inkeep-query-other", "conversation:read,conversation:write");
    conversation(
        "q-c1", "p1", "2026-08-01T10:00:00Z", "{\"plan\": \"pro\", \"tokens\": 120}", "u1", 2);
    conversation(
        "q-c2", "p1", "2026-08-01T12:00:00Z", "{\"plan\": \"free\", \"tokens\": 30}", "u2", 1);
    conversation(
        "q-c3",
        "p2",
        "2026-08-02T09:00:00Z",
        "{\"plan\": \"pro\", \"tags\": [\"a\", \"b\"]}",
        "u1",
        3);
    post(
        "/inkeep/feedback",
        """
        {"id": "q-f1", "type": "positive", "messageId": "q-c1-m0", "createdAt": "2026-08-01T10:05:00Z",
         "updatedAt": "2026-08-01T10:05:00Z",
         "reasons": [{"label": "accurate", "details": ""}], "properties": {"widget": "docs"}}
        """);
    post(
        "/inkeep/feedback",
        """
        {"id": "q-f2", "type": "negative", "messageId": "q-c2-m0", "createdAt": "2026-08-01T12:05:00Z",
         "updatedAt": "2026-08-01T12:05:00Z",
         "reasons": [{"label": "inaccurate", "details": "wrong page"}]}
        """);
    search("q-e1", "reset password", "u1", "2026-08-03T08:00:00Z", "p1");
    search("q-e2", "reset password", "u2", "2026-08-04T08:00:00Z", "p1");
    search("q-e3", "reset password", "u1", "2026-08-12T08:00:00Z", "p2");
    search("q-e4", "billing", "u3", "2026-08-12T09:00:00Z", "p1");
    post(
        "/inkeep/events",
        """
        {"id": "q-e5", "type": "message_copied", "entityType": "message", "messageId": "q-c1-m1",
         "createdAt": "2026-08-01T10:06:00Z", "userProperties": {"id": "u1"}}
        """);
    // Everything is queryable once analytics-service has applied the last event.
    eventually(
        () ->
            query(
                "events",
                "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}]}"),
        answer -> answer.at("/data/result/0/count").asInt() == 5);
  }

  private void conversation(
      String id, String project, String time, String properties, String user, int userMessages) {
    StringBuilder messages = new StringBuilder();
    for (int i = 0; i < userMessages; i++) {
      messages
          .append(i == 0 ? "" : ",")
          .append(
              """
              {"id": "%s-m%d", "role": "user", "content": "Question %d", "createdAt": "%s"},
              {"id": "%s-a%d", "role": "assistant", "content": "Answer", "createdAt": "%s"}
              """
                  .formatted(id, i, i, time, id, i, time));
    }
    post(
        "/inkeep/conversations",
        """
        {"id": "%s", "type": "openai", "projectId": "%s", "createdAt": "%s", "properties": %s,
         "userProperties": {"id": "%s"}, "messages": [%s]}
        """
            .formatted(id, project, time, properties, user, messages));
  }

  private void search(String id, String query, String user, String time, String project) {
    post(
        "/inkeep/events",
        """
        {"id": "%s", "type": "search_performed", "entityType": "search", "searchQuery": "%s",
         "createdAt": "%s", "projectId": "%s", "userProperties": {"id": "%s"}}
        """
            .formatted(id, query, time, project, user));
  }

  private void post(String path, String body) {
    Response response = parley.send("POST", path, key, body);
    assertThat(response.status()).as(path + " " + response.body()).isEqualTo(200);
  }

  private JsonNode query(String view, String body) {
    return query(key, view, body);
  }

  private JsonNode query(String caller, String view, String body) {
    Response response = parley.send("POST", "/inkeep/query/" + view, caller, body);
    assertThat(response.status()).as(body + " " + response.body()).isEqualTo(200);
    assertThat(response.header("content-type")).startsWith("application/json");
    return response.json();
  }

  /** The ids the query selects, in order. */
  private List<String> ids(String view, String where) {
    JsonNode answer =
        query(
            view,
            """
            {"select": [{"type": "field", "field": "id"}], "where": %s,
             "orderBy": [{"field": "id", "direction": "asc"}]}
            """
                .formatted(where));
    return answer.get("data").get("result").findValuesAsText("id");
  }

  @Test
  void countsConversationsPerDay() {
    JsonNode answer =
        query(
            "conversations",
            """
            {"select": [{"type": "aggregation", "aggregation": "count"},
                        {"type": "time", "timeUnit": "day"}],
             "orderBy": [{"field": "firstMessageTime_day", "direction": "asc"}],
             "notes": "conversations per day"}
            """);

    assertThat(answer)
        .isEqualTo(
            json(
                """
                {"status": "ok", "data": {"result": [
                   {"count": 2, "firstMessageTime_day": "2026-08-01T00:00:00.000Z"},
                   {"count": 1, "firstMessageTime_day": "2026-08-02T00:00:00.000Z"}],
                 "total": 2, "pageSize": 1000, "count": 2}}
                """));
  }

  @Test
  void aggregatesGroupedByAJsonPath() {
    JsonNode answer =
        query(
            "conversations",
            """
            {"select": [{"type": "aggregation", "aggregation": "sum", "field": "userMessageCount"},
                        {"type": "aggregation", "aggregation": "avg", "field": "properties", "path": ["tokens"]},
                        {"type": "aggregation", "aggregation": "countDistinct", "field": "userProperties", "path": ["id"]},
                        {"type": "aggregation", "aggregation": "max", "field": "firstMessageTime"}],
             "groupBy": [{"field": "properties", "path": ["plan"]}],
             "orderBy": [{"field": "sum_userMessageCount", "direction": "desc"}]}
            """);

    assertThat(answer.get("data"))
        .isEqualTo(
            json(
                """
                {"result": [
                   {"sum_userMessageCount": 5, "avg_properties.tokens": 120,
                    "countDistinct_userProperties.id": 1,
                    "max_firstMessageTime": "2026-08-02T09:00:00.000Z", "properties.plan": "pro"},
                   {"sum_userMessageCount": 1, "avg_properties.tokens": 30,
                    "countDistinct_userProperties.id": 1,
                    "max_firstMessageTime": "2026-08-01T12:00:00.000Z", "properties.plan": "free"}],
                 "total": 2, "pageSize": 1000, "count": 2}
                """));
  }

  @Test
  void filtersWithEveryOperator() {
    assertThat(
            ids(
                "conversations",
                """
                {"or": [{"condition": {"field": "projectId", "operator": "eq", "value": "p2"}},
                        {"and": [{"condition": {"field": "properties", "operator": "jsonContains", "value": {"plan": "free"}}},
                                 {"condition": {"field": "userMessageCount", "operator": "lte", "value": 1}}]}]}
                """))
        .containsExactly("q-c2", "q-c3");
    String[][] cases = {
      {"{\"field\": \"id\", \"operator\": \"neq\", \"value\": \"q-c1\"}", "q-c2,q-c3"},
      {"{\"field\": \"userMessageCount\", \"operator\": \"gt\", \"value\": 1}", "q-c1,q-c3"},
      {"{\"field\": \"userMessageCount\", \"operator\": \"gte\", \"value\": 2}", "q-c1,q-c3"},
      {"{\"field\": \"userMessageCount\", \"operator\": \"lt\", \"value\": 2}", "q-c2"},
      {"{\"field\": \"userMessageCount\", \"operator\": \"eq\", \"value\": 1.5}", ""},
      {"{\"field\": \"userMessageCount\", \"operator\": \"in\", \"value\": [1, 3]}", "q-c2,q-c3"},
      {
        "{\"field\": \"firstMessageTime\", \"operator\": \"gte\", \"value\": \"2026-08-02\"}",
        "q-c3"
      },
      {
        "{\"field\": \"firstMessageTime\", \"operator\": \"lt\", \"value\": \"2026-08-01T11:00:00Z\"}",
        "q-c1"
      },
      {
        "{\"field\": \"id\", \"operator\": \"in\", \"value\": [\"q-c1\", \"q-c3\", \"nope\"]}",
        "q-c1,q-c3"
      },
      {"{\"field\": \"projectId\", \"operator\": \"notIn\", \"value\": [\"p1\"]}", "q-c3"},
      {
        "{\"field\": \"properties\", \"operator\": \"arrayContains\", \"value\": {\"path\": [\"tags\"], \"value\": \"a\"}}",
        "q-c3"
      },
      {
        "{\"field\": \"properties\", \"operator\": \"jsonContainedBy\", \"value\": {\"plan\": \"free\", \"tokens\": 30, \"x\": 1}}",
        "q-c2"
      },
      {"{\"field\": \"properties\", \"operator\": \"jsonHasKey\", \"value\": \"tags\"}", "q-c3"},
      {
        "{\"field\": \"properties\", \"operator\": \"jsonHasAnyKey\", \"value\": [\"tags\", \"nope\"]}",
        "q-c3"
      },
      {
        "{\"field\": \"properties\", \"operator\": \"jsonHasAllKeys\", \"value\": [\"plan\", \"tokens\"]}",
        "q-c1,q-c2"
      },
      {
        "{\"field\": \"properties\", \"operator\": \"gt\", \"value\": {\"path\": [\"tokens\"], \"value\": 50}}",
        "q-c1"
      },
      {
        "{\"field\": \"properties\", \"operator\": \"eq\", \"value\": {\"path\": [\"plan\"], \"value\": \"pro\"}}",
        "q-c1,q-c3"
      },
      {
        "{\"field\": \"properties\", \"operator\": \"isNull\", \"value\": {\"path\": [\"tags\"]}}",
        "q-c1,q-c2"
      },
      {
        "{\"field\": \"properties\", \"operator\": \"isNotNull\", \"value\": {\"path\": [\"tags\"]}}",
        "q-c3"
      },
      {"{\"field\": \"integrationId\", \"operator\": \"isNull\"}", "q-c1,q-c2,q-c3"},
      {"{\"field\": \"projectId\", \"operator\": \"isNotNull\"}", "q-c1,q-c2,q-c3"},
    };
    for (String[] item : cases) {
      assertThat(String.join(",", ids("conversations", "{\"condition\": " + item[0] + "}")))
          .as(item[0])
          .isEqualTo(item[1]);
    }
    assertThat(
            ids(
                "feedback",
                """
                {"condition": {"field": "reasons", "operator": "jsonArrayContainsObject",
                               "value": {"label": "inaccurate"}}}
                """))
        .containsExactly("q-f2");
  }

  @Test
  void unpacksJsonFieldsIntoColumns() {
    JsonNode answer =
        query(
            "conversations",
            """
            {"select": [{"type": "field", "field": "id"}, {"type": "field", "field": "properties"},
                        {"type": "field", "field": "userProperties", "mode": "json"}],
             "where": {"condition": {"field": "id", "operator": "eq", "value": "q-c1"}}}
            """);

    assertThat(answer.get("data").get("result"))
        .isEqualTo(
            json(
                """
                [{"id": "q-c1", "properties.plan": "pro", "properties.tokens": 120,
                  "userProperties": {"id": "u1"}}]
                """));
  }

  @Test
  void withoutSelectionAnswersWholeRowsNewestFirst() {
    JsonNode answer = query("feedback", "{}");

    assertThat(answer.get("data"))
        .isEqualTo(
            json(
                """
                {"result": [
                   {"id": "q-f2", "type": "negative", "messageId": "q-c2-m0",
                    "createdAt": "2026-08-01T12:05:00.000Z", "updatedAt": "2026-08-01T12:05:00.000Z",
                    "organizationId": "inkeep-query",
                    "reasons": [{"label": "inaccurate", "details": "wrong page"}], "sources": null,
                    "details": null, "properties": null, "userProperties": null,
                    "conversationId": "q-c2", "projectId": "p1", "integrationId": null},
                   {"id": "q-f1", "type": "positive", "messageId": "q-c1-m0",
                    "createdAt": "2026-08-01T10:05:00.000Z", "updatedAt": "2026-08-01T10:05:00.000Z",
                    "organizationId": "inkeep-query",
                    "reasons": [{"label": "accurate", "details": ""}], "sources": null,
                    "details": null, "properties": {"widget": "docs"}, "userProperties": null,
                    "conversationId": "q-c1", "projectId": "p1", "integrationId": null}],
                 "total": 2, "pageSize": 1000, "count": 2}
                """));
    JsonNode events =
        query(
            "events",
            """
            {"select": [{"type": "field", "field": "eventType"},
                        {"type": "aggregation", "aggregation": "count"}],
             "orderBy": [{"field": "count", "direction": "desc"}]}
            """);
    assertThat(events.get("data").get("result"))
        .isEqualTo(
            json(
                "[{\"eventType\": \"search\", \"count\": 4}, {\"eventType\": \"message\", \"count\": 1}]"));
  }

  @Test
  void listsPropertyKeysAndValues() {
    assertThat(
            parley
                .send("POST", "/inkeep/query/property-keys", key, "{\"field\": \"properties\"}")
                .json())
        .isEqualTo(json("{\"results\": [\"plan\", \"tags\", \"tokens\", \"widget\"]}"));
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/property-keys",
                    key,
                    "{\"field\": \"userProperties\", \"views\": [\"conversations_view\", \"semantic_threads_view\"]}")
                .json())
        .isEqualTo(json("{\"results\": [\"id\"]}"));
    // The semantic threads' properties are their conversations': the ones whose user asked.
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/property-keys",
                    key,
                    "{\"field\": \"properties\", \"views\": [\"semantic_threads_view\"]}")
                .json())
        .isEqualTo(json("{\"results\": [\"plan\", \"tags\", \"tokens\"]}"));
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/property-values",
                    key,
                    "{\"field\": \"properties\", \"key\": \"plan\"}")
                .json())
        .isEqualTo(json("{\"results\": [\"free\", \"pro\"]}"));
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/property-values",
                    key,
                    """
                    {"field": "userProperties", "key": "id", "views": ["events_view"], "limit": 2,
                     "where": {"condition": {"field": "eventType", "operator": "eq", "value": "search"}}}
                    """)
                .json())
        .isEqualTo(json("{\"results\": [\"u1\", \"u2\"]}"));
  }

  @Test
  void countsSearchesAndSearchingUsers() {
    assertThat(parley.send("GET", "/inkeep/query/top-search-queries", key, null).json())
        .isEqualTo(
            json(
                """
                {"data": {"result": [{"search_query": "reset password", "count": "3"},
                                     {"search_query": "billing", "count": "1"}], "total": 2}}
                """));
    assertThat(
            parley
                .send(
                    "GET",
                    "/inkeep/query/top-search-queries?after=2026-08-05&project_id=p1",
                    key,
                    null)
                .json())
        .isEqualTo(
            json(
                "{\"data\": {\"result\": [{\"search_query\": \"billing\", \"count\": \"1\"}], \"total\": 1}}"));
    assertThat(parley.send("GET", "/inkeep/query/weekly-search-users", key, null).json())
        .isEqualTo(
            json(
                """
                {"data": {"result": [{"week": "2026-08-03", "unique_users": "2"},
                                     {"week": "2026-08-10", "unique_users": "2"}], "total": 2}}
                """));
  }

  @Test
  void exportsCsv() {
    Response response =
        parley.send(
            "POST",
            "/inkeep/query/conversations/export",
            key,
            """
            {"select": [{"type": "field", "field": "id"}, {"type": "field", "field": "userMessageCount"},
                        {"type": "field", "field": "properties"}],
             "orderBy": [{"field": "id", "direction": "asc"}]}
            """);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).startsWith("text/csv");
    assertThat(response.body())
        .isEqualTo(
            """
            id,userMessageCount,properties.plan,properties.tokens,properties.tags
            q-c1,2,"""
                + "\"\"\"pro\"\"\",120,\n"
                + "q-c2,1,\"\"\"free\"\"\",30,\n"
                + "q-c3,3,\"\"\"pro\"\"\",,\"[\"\"a\"\",\"\"b\"\"]\"\n");
  }

  @Test
  void exportsEventsAndFeedbackToo() {
    Response events =
        parley.send(
            "POST",
            "/inkeep/query/events/export",
            key,
            """
            {"select": [{"type": "field", "field": "searchQuery"},
                        {"type": "aggregation", "aggregation": "count"}],
             "where": {"condition": {"field": "eventType", "operator": "eq", "value": "search"}},
             "orderBy": [{"field": "count", "direction": "desc"}]}
            """);
    assertThat(events.header("content-type")).startsWith("text/csv");
    assertThat(events.body()).isEqualTo("searchQuery,count\n\"reset password\",3\nbilling,1\n");
    Response feedback =
        parley.send(
            "POST",
            "/inkeep/query/feedback/export",
            key,
            """
            {"select": [{"type": "field", "field": "id"}, {"type": "field", "field": "reasons"}],
             "orderBy": [{"field": "id", "direction": "asc"}]}
            """);
    assertThat(feedback.body())
        .isEqualTo(
            "id,reasons\n"
                + "q-f1,\"[{\"\"label\"\":\"\"accurate\"\",\"\"details\"\":\"\"\"\"}]\"\n"
                + "q-f2,\"[{\"\"label\"\":\"\"inaccurate\"\",\"\"details\"\":\"\"wrong page\"\"}]\"\n");
  }

  @Test
  void refusesQueriesItCannotRunWithAClearProblem() {
    Response unknownField =
        parley.send(
            "POST",
            "/inkeep/query/conversations",
            key,
            "{\"select\": [{\"type\": \"field\", \"field\": \"nope\"}]}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.header("content-type")).startsWith("application/problem+json");
    JsonNode problem = unknownField.json();
    assertThat(problem.get("code").asText()).isEqualTo("bad_request");
    assertThat(problem.get("detail").asText())
        .isEqualTo(
            "select[0].field: unknown field nope of conversations_view; fields are id,"
                + " userMessageCount, organizationId, projectId, integrationId, firstMessageTime,"
                + " type, properties, userProperties");
    String[][] cases = {
      {
        "{\"where\": {\"condition\": {\"field\": \"id\", \"operator\": \"like\", \"value\": \"x\"}}}",
        "where.condition.operator: unknown operator like"
      },
      {
        "{\"where\": {\"and\": [{\"condition\": {\"field\": \"id\", \"operator\": \"jsonHasKey\", \"value\": \"x\"}}]}}",
        "where.and[0].condition.operator: jsonHasKey applies to JSON fields"
      },
      {
        "{\"where\": {\"condition\": {\"field\": \"userMessageCount\", \"operator\": \"eq\", \"value\": \"two\"}}}",
        "where.condition.value: must be a number"
      },
      {
        "{\"where\": {\"condition\": {\"field\": \"firstMessageTime\", \"operator\": \"gt\", \"value\": \"yesterday\"}}}",
        "where.condition.value: must be an ISO 8601"
      },
      {
        "{\"where\": {\"condition\": {\"field\": \"id\", \"operator\": \"in\", \"value\": \"q-c1\"}}}",
        "where.condition.value: must be an array"
      },
      {
        "{\"where\": {\"condition\": {\"field\": \"properties\", \"operator\": \"jsonContains\"}}}",
        "where.condition.value: is required for jsonContains"
      },
      {
        "{\"where\": {\"condition\": {\"field\": \"id\", \"operator\": \"eq\", \"value\": null}}}",
        "where.condition.value: is required for eq"
      },
      {
        "{\"select\": [{\"type\": \"field\", \"field\": \"id\", \"path\": [\"a\"]}]}",
        "select[0].path: id is not a JSON field"
      },
      {
        "{\"where\": {\"condition\": {\"field\": \"id\", \"operator\": \"eq\", \"value\": \"x\"},"
            + " \"and\": [{\"condition\": {\"field\": \"id\", \"operator\": \"isNull\"}}]}}",
        "where: must hold one of condition, and, or"
      },
      {
        "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"median\", \"field\": \"userMessageCount\"}]}",
        "select[0].aggregation: must be sum, count"
      },
      {
        "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"sum\", \"field\": \"type\"}]}",
        "select[0].field: type is not a number"
      },
      {
        "{\"select\": [{\"type\": \"time\", \"timeUnit\": \"year\"}]}",
        "select[0].timeUnit: must be"
      },
      {
        "{\"select\": [{\"type\": \"chart\"}]}",
        "select[0].type: must be aggregation, time or field"
      },
      {
        "{\"orderBy\": [{\"field\": \"id\", \"direction\": \"up\"}]}",
        "orderBy[0].direction: must be asc or desc"
      },
      {
        "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}], \"orderBy\": [{\"field\": \"id\", \"direction\": \"asc\"}]}",
        "orderBy[0].field: unknown column id"
      },
      {"{\"notes\": \"" + "n".repeat(81) + "\"}", "notes: must be at most 80 characters"},
      {
        "{\"select\": [{\"type\": \"field\", \"field\": \"id\"}, {\"type\": \"field\", \"field\": \"id\"}]}",
        "select: two columns are named id"
      },
    };
    for (String[] item : cases) {
      Response response = parley.send("POST", "/inkeep/query/conversations", key, item[0]);
      assertThat(response.status()).as(item[0]).isEqualTo(400);
      assertThat(response.json().get("detail").asText()).as(item[0]).startsWith(item[1]);
    }
    assertThat(parley.send("POST", "/inkeep/query/conversations", key, "{\"select\": [").status())
        .isEqualTo(400);
    assertThat(
            parley
                .send("POST", "/inkeep/query/conversations", key, "{\"select\": {\"type\": 1}}")
                .status())
        .isEqualTo(400);
    assertThat(
            parley
                .send("POST", "/inkeep/query/property-keys", key, "{\"field\": \"tags\"}")
                .json()
                .get("detail")
                .asText())
        .isEqualTo("field: must be properties or userProperties");
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/property-keys",
                    key,
                    "{\"field\": \"properties\", \"views\": [\"tickets_view\"]}")
                .status())
        .isEqualTo(400);
    assertThat(
            parley.send("GET", "/inkeep/query/top-search-queries?after=soon", key, null).status())
        .isEqualTo(400);
    // Semantic threads: one per conversation whose user asked something, from its issue.
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/semantic-threads",
                    key,
                    """
                    {"select": [{"type": "field", "field": "question"},
                                {"type": "field", "field": "messagesCount"},
                                {"type": "field", "field": "projectId"},
                                {"type": "field", "field": "hasPositiveFeedback"},
                                {"type": "field", "field": "hasNegativeFeedback"},
                                {"type": "field", "field": "conversationIds", "mode": "json"}],
                     "orderBy": [{"field": "firstMessageTime", "direction": "asc"}]}
                    """)
                .json())
        .isEqualTo(
            json(
                """
                {"status": "ok", "data": {"result": [
                  {"question": "Question 0 Question 1", "messagesCount": 2, "projectId": "p1",
                   "hasPositiveFeedback": true, "hasNegativeFeedback": false,
                   "conversationIds": ["q-c1"]},
                  {"question": "Question 0", "messagesCount": 1, "projectId": "p1",
                   "hasPositiveFeedback": false, "hasNegativeFeedback": true,
                   "conversationIds": ["q-c2"]},
                  {"question": "Question 0 Question 1 Question 2", "messagesCount": 3,
                   "projectId": "p2", "hasPositiveFeedback": false, "hasNegativeFeedback": false,
                   "conversationIds": ["q-c3"]}],
                 "total": 3, "pageSize": 1000, "count": 3}}
                """));
    assertThat(
            parley
                .send("POST", "/inkeep/query/semantic-threads/export", key, "{}")
                .body()
                .lines()
                .findFirst())
        .contains(
            "id,messageIds,messagesCount,organizationId,question,questionLength,answer,isOnTopic,"
                + "isClear,isDocumented,isFeatureSupported,isAnswerConfident,gapSummary,subject,"
                + "category,languages,firstPartyEntities,thirdPartyEntities,emotion,sentiment,"
                + "questionType,projectId,integrationId,properties,userProperties,"
                + "firstMessageTime,lastMessageTime,lastUpdated,hasPositiveFeedback,"
                + "hasNegativeFeedback,conversationIds,areAIAnnotationsVerified,"
                + "isInitialQuestionAnswer");
    // Write-only (web) keys cannot query.
    String web = parley.key("inkeep-query", "conversation:write");
    assertThat(parley.send("POST", "/inkeep/query/conversations", web, "{}").status())
        .isEqualTo(403);
  }

  @Test
  void anotherTenantQueriesOnlyItsOwnRows() {
    String countAll = "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}]}";
    for (String view : List.of("conversations", "events", "feedback")) {
      assertThat(query(other, view, countAll).at("/data/result/0/count").asInt()).as(view).isZero();
      assertThat(query(other, view, "{}").get("data"))
          .isEqualTo(json("{\"result\": [], \"total\": 0, \"pageSize\": 1000, \"count\": 0}"));
    }
    // Naming the other tenant in a filter finds nothing either.
    assertThat(
            query(
                    other,
                    "conversations",
                    "{\"where\": {\"condition\": {\"field\": \"organizationId\", \"operator\": \"eq\", \"value\": \"inkeep-query\"}}}")
                .at("/data/total")
                .asInt())
        .isZero();
    assertThat(
            parley
                .send("POST", "/inkeep/query/property-keys", other, "{\"field\": \"properties\"}")
                .json())
        .isEqualTo(json("{\"results\": []}"));
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/property-values",
                    other,
                    "{\"field\": \"properties\", \"key\": \"plan\"}")
                .json())
        .isEqualTo(json("{\"results\": []}"));
    assertThat(parley.send("GET", "/inkeep/query/top-search-queries", other, null).json())
        .isEqualTo(json("{\"data\": {\"result\": [], \"total\": 0}}"));
    assertThat(parley.send("GET", "/inkeep/query/weekly-search-users", other, null).json())
        .isEqualTo(json("{\"data\": {\"result\": [], \"total\": 0}}"));
    for (String view : List.of("events", "feedback")) {
      assertThat(
              parley
                  .send(
                      "POST",
                      "/inkeep/query/" + view + "/export",
                      other,
                      "{\"select\": [{\"type\": \"field\", \"field\": \"id\"}]}")
                  .body())
          .as(view)
          .isEqualTo("id\n");
    }
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/query/conversations/export",
                    other,
                    "{\"select\": [{\"type\": \"field\", \"field\": \"id\"}]}")
                .body())
        .isEqualTo("id\n");
  }

  @Test
  void theNativeApiAnswersTheSame() throws Exception {
    AnalyticsServiceGrpc.AnalyticsServiceBlockingStub stub =
        TestingParley.withKey(AnalyticsServiceGrpc.newBlockingStub(parley.grpc()), key);
    String body =
        """
        {"select": [{"type": "aggregation", "aggregation": "count"},
                    {"type": "field", "field": "type"}],
         "where": {"condition": {"field": "reasons", "operator": "jsonArrayContainsObject",
                                 "value": {"label": "accurate"}}}}
        """;
    Query.Builder query = Query.newBuilder();
    JsonFormat.parser().merge(body, query);

    QueryResult result =
        stub.runQuery(
            RunQueryRequest.newBuilder().setView(View.VIEW_FEEDBACK).setQuery(query).build());
    assertThat(json(JsonFormat.printer().print(result)))
        .isEqualTo(
            json(
                """
                {"result": [{"count": 1.0, "type": "positive"}], "total": 1, "pageSize": 1000,
                 "count": 1}
                """));
    // The gateway writes whole numbers as the vendors do (1, where gRPC JSON prints 1.0).
    assertThat(query("feedback", body).get("data"))
        .isEqualTo(json(JsonFormat.printer().print(result).replace("1.0", "1")));
    assertThat(
            stub.exportQuery(
                    ExportQueryRequest.newBuilder()
                        .setView(View.VIEW_FEEDBACK)
                        .setQuery(query)
                        .build())
                .getData()
                .toStringUtf8())
        .isEqualTo("count,type\n1,positive\n");
    assertThat(
            stub.listPropertyKeys(
                    ListPropertyKeysRequest.newBuilder()
                        .setField("properties")
                        .addViews(View.VIEW_FEEDBACK)
                        .build())
                .getKeysList())
        .containsExactly("widget");
    assertThat(
            stub.listPropertyValues(
                    ListPropertyValuesRequest.newBuilder()
                        .setField("properties")
                        .setKey("plan")
                        .build())
                .getValuesList())
        .containsExactly("free", "pro");
    assertThat(
            stub.listTopSearchQueries(ListTopSearchQueriesRequest.getDefaultInstance())
                .getQueriesList())
        .extracting(SearchQueryCount::getSearchQuery, SearchQueryCount::getCount)
        .containsExactly(tuple("reset password", 3L), tuple("billing", 1L));
    assertThat(
            stub.listWeeklySearchUsers(ListWeeklySearchUsersRequest.getDefaultInstance())
                .getWeeksList())
        .extracting(WeekUsers::getWeek, WeekUsers::getUsers)
        .containsExactly(tuple("2026-08-03", 2L), tuple("2026-08-10", 2L));

    AnalyticsServiceGrpc.AnalyticsServiceBlockingStub otherStub =
        TestingParley.withKey(AnalyticsServiceGrpc.newBlockingStub(parley.grpc()), other);
    assertThat(
            otherStub
                .runQuery(
                    RunQueryRequest.newBuilder()
                        .setView(View.VIEW_FEEDBACK)
                        .setQuery(query)
                        .build())
                .getTotal())
        .isZero();
    assertThat(
            otherStub
                .listTopSearchQueries(ListTopSearchQueriesRequest.getDefaultInstance())
                .getQueriesCount())
        .isZero();
    assertThat(
            otherStub
                .listWeeklySearchUsers(ListWeeklySearchUsersRequest.getDefaultInstance())
                .getWeeksCount())
        .isZero();
    assertThat(
            otherStub
                .listPropertyKeys(
                    ListPropertyKeysRequest.newBuilder().setField("properties").build())
                .getKeysCount())
        .isZero();
    assertThat(
            otherStub
                .listPropertyValues(
                    ListPropertyValuesRequest.newBuilder()
                        .setField("properties")
                        .setKey("plan")
                        .build())
                .getValuesCount())
        .isZero();
    assertThat(
            otherStub
                .exportQuery(
                    ExportQueryRequest.newBuilder()
                        .setView(View.VIEW_FEEDBACK)
                        .setQuery(query)
                        .build())
                .getData()
                .toStringUtf8())
        .isEqualTo("count,type\n");
    assertThatThrownBy(() -> stub.runQuery(RunQueryRequest.newBuilder().setQuery(query).build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage(
            "INVALID_ARGUMENT: view: must be VIEW_CONVERSATIONS, VIEW_EVENTS, VIEW_FEEDBACK or VIEW_TICKETS");
  }
}
