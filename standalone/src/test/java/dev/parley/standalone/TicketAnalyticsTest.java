package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.eventually;
import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.parley.analytics.v1.AnalyticsServiceGrpc;
import dev.parley.analytics.v1.AnalyticsServiceGrpc.AnalyticsServiceBlockingStub;
import dev.parley.analytics.v1.Query;
import dev.parley.analytics.v1.QueryResult;
import dev.parley.analytics.v1.RunQueryRequest;
import dev.parley.analytics.v1.View;
import org.junit.jupiter.api.Test;

/**
 * analytics-service follows ticket-service's events too: tickets opened through PostHog are
 * queryable through the native API's tickets view, each tenant its own.
 */
class TicketAnalyticsTest {
  private static final String BY_STATUS =
      """
      {"select": [{"type": "field", "field": "status"},
                  {"type": "aggregation", "aggregation": "count"},
                  {"type": "aggregation", "aggregation": "sum", "field": "messageCount"}],
       "orderBy": [{"field": "status", "direction": "asc"}]}
      """;

  private static QueryResult byStatus(AnalyticsServiceBlockingStub stub) {
    Query.Builder query = Query.newBuilder();
    try {
      JsonFormat.parser().merge(BY_STATUS, query);
      return stub.runQuery(
          RunQueryRequest.newBuilder().setView(View.VIEW_TICKETS).setQuery(query).build());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String print(QueryResult result) {
    try {
      return JsonFormat.printer().print(result);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void ticketsAreQueryableByStatus() {
    TestingParley parley = TestingParley.get();
    String key = parley.key("tk-analytics", "ticket:read,ticket:write,analytics:read");
    String path = "/posthog/api/projects/tk-analytics/conversations/tickets/";
    for (int i = 0; i < 3; i++) {
      assertThat(parley.send("POST", path, key, "{}").status()).isEqualTo(201);
    }
    assertThat(parley.send("PATCH", path + "1/", key, "{\"status\": \"resolved\"}").status())
        .isEqualTo(200);
    AnalyticsServiceBlockingStub stub =
        TestingParley.withKey(AnalyticsServiceGrpc.newBlockingStub(parley.grpc()), key);

    String expected =
        """
        {"result": [{"status": "new", "count": 2.0, "sum_messageCount": 0.0},
                    {"status": "resolved", "count": 1.0, "sum_messageCount": 0.0}],
         "total": 2, "pageSize": 1000, "count": 2}
        """;
    QueryResult result =
        eventually(() -> byStatus(stub), answer -> json(print(answer)).equals(json(expected)));
    assertThat(json(print(result))).isEqualTo(json(expected));

    AnalyticsServiceBlockingStub other =
        TestingParley.withKey(
            AnalyticsServiceGrpc.newBlockingStub(parley.grpc()),
            parley.key("tk-analytics-other", "analytics:read"));
    assertThat(byStatus(other).getTotal()).isZero();
  }
}
