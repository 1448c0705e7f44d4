package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.analytics.v1.AnalyticsServiceGrpc;
import dev.parley.analytics.v1.DayCount;
import dev.parley.analytics.v1.GetDailyConversationCountsRequest;
import dev.parley.standalone.TestingParley.Response;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Alli's daily conversation count: analytics-service learns conversations from
 * conversation-service's event stream and counts them per UTC day.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DailyConversationCountTest {
  private static final String RANGE = "?startDate=2026-07-31&endDate=2026-08-04";

  private TestingParley parley;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
  }

  private void log(String key, String id, String createdAt) {
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    key,
                    """
                    {"id": "%s", "type": "openai", "createdAt": "%s",
                     "messages": [{"role": "user", "content": "Hello"}]}
                    """
                        .formatted(id, createdAt))
                .status())
        .isEqualTo(200);
  }

  /** The count once the stream has delivered what was written (it follows writes closely). */
  private JsonNode eventually(String key, JsonNode expected) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    JsonNode latest;
    do {
      Response response =
          parley.send("GET", "/alli/webapi/v2/conversations/daily_count" + RANGE, key, null);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      assertThat(response.header("content-type")).startsWith("application/json");
      assertThat(response.header("x-request-id")).startsWith("req_");
      latest = response.json();
      if (latest.equals(expected)) {
        return latest;
      }
      Thread.sleep(100);
    } while (Instant.now().isBefore(deadline));
    return latest;
  }

  @Test
  void countsConversationsPerDayFromTheEventStream() throws Exception {
    String key = parley.key("daily", "conversation:read,conversation:write");
    log(key, "d-1", "2026-08-01T09:00:00Z");
    log(key, "d-2", "2026-08-01T23:59:59Z");
    log(key, "d-3", "2026-08-03T00:00:00Z");
    log(key, "outside", "2026-08-05T00:00:00Z");

    JsonNode expected =
        json(
            """
            {"result": [{"date": "2026-07-31", "count": 0}, {"date": "2026-08-01", "count": 2},
                        {"date": "2026-08-02", "count": 0}, {"date": "2026-08-03", "count": 1},
                        {"date": "2026-08-04", "count": 0}]}
            """);
    assertThat(eventually(key, expected)).isEqualTo(expected);

    // A re-log counts nothing twice; a delete takes the conversation out.
    log(key, "d-1", "2026-08-01T09:00:00Z");
    assertThat(parley.send("DELETE", "/inkeep/conversations/d-2", key, null).status())
        .isEqualTo(200);
    JsonNode afterDelete =
        json(
            """
            {"result": [{"date": "2026-07-31", "count": 0}, {"date": "2026-08-01", "count": 1},
                        {"date": "2026-08-02", "count": 0}, {"date": "2026-08-03", "count": 1},
                        {"date": "2026-08-04", "count": 0}]}
            """);
    assertThat(eventually(key, afterDelete)).isEqualTo(afterDelete);

    // The native API answers the same; another tenant counts only its own.
    assertThat(
            TestingParley.withKey(AnalyticsServiceGrpc.newBlockingStub(parley.grpc()), key)
                .getDailyConversationCounts(
                    GetDailyConversationCountsRequest.newBuilder()
                        .setStartDate("2026-08-01")
                        .setEndDate("2026-08-03")
                        .build())
                .getDaysList())
        .extracting(DayCount::getCount)
        .containsExactly(1, 0, 1);
    String other = parley.key("daily-other", "conversation:read");
    assertThat(
            parley
                .send("GET", "/alli/webapi/v2/conversations/daily_count" + RANGE, other, null)
                .json()
                .get("result")
                .findValuesAsText("count"))
        .containsOnly("0");
  }

  @Test
  void refusesRangesItCannotCount() {
    String key = parley.key("daily-bad", "conversation:read");
    String path = "/alli/webapi/v2/conversations/daily_count";
    assertThat(parley.send("GET", path + "?endDate=2026-08-01", key, null).json())
        .isEqualTo(json("{\"result\": [], \"errors\": \"startDate: is required (YYYY-MM-DD)\"}"));
    assertThat(
            parley
                .send("GET", path + "?startDate=2026-08-02&endDate=2026-08-01", key, null)
                .status())
        .isEqualTo(400);
    assertThat(
            parley
                .send("GET", path + "?startDate=2025-01-01&endDate=2026-08-01", key, null)
                .status())
        .isEqualTo(400);
    assertThat(
            parley
                .send("GET", path + "?startDate=01/08/2026&endDate=2026-08-01", key, null)
                .status())
        .isEqualTo(400);
    assertThat(
            parley.send("GET", path + RANGE, parley.key("daily-bad", "ticket:read"), null).status())
        .isEqualTo(403);
  }
}
