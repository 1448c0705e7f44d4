package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inkeep's own TypeScript SDK ({@code @inkeep/inkeep-analytics}, pinned in {@code
 * src/test/node/inkeep/package-lock.json}) against the gateway: the SDK builds the requests and
 * validates every response with its schemas, so this is what an Inkeep user's code sees.
 */
class InkeepSdkAcceptanceTest {
  @Test
  void inkeepsSdkLogsReadsListsRatesAndDeletesThroughTheGateway() throws Exception {
    TestingParley parley = TestingParley.get();
    String apiKey = parley.key("sdk-team", "conversation:read,conversation:write");
    String webKey = parley.key("sdk-team", "conversation:write");
    String output =
        NodeClients.run(
            "inkeep", List.of("node", "client.mjs", parley.baseUrl() + "/inkeep", apiKey, webKey));

    JsonNode result =
        TestingParley.json(output.lines().reduce((first, second) -> second).orElseThrow());
    assertThat(result.get("logged").asText()).isEqualTo("sdk-conversation-1");
    assertThat(result.get("messages").asInt()).isEqualTo(3);
    assertThat(result.get("listed").asInt()).isEqualTo(1);
    assertThat(result.get("webListStatus").asInt()).isEqualTo(403);
    assertThat(result.get("missingStatus").asInt()).isEqualTo(404);
    assertThat(result.get("deleted").asBoolean()).isTrue();
    assertThat(result.get("feedback").asInt()).isEqualTo(1);
    assertThat(result.get("event").asText()).isEqualTo("message");
  }

  @Test
  void inkeepsSdkQueriesWhatItLogged() throws Exception {
    TestingParley parley = TestingParley.get();
    String apiKey = parley.key("sdk-query", "conversation:read,conversation:write");
    String webKey = parley.key("sdk-query", "conversation:write");
    String output =
        NodeClients.run(
            "inkeep", List.of("node", "query.mjs", parley.baseUrl() + "/inkeep", apiKey, webKey));

    JsonNode result =
        TestingParley.json(output.lines().reduce((first, second) -> second).orElseThrow());
    assertThat(result.get("days").asInt()).isEqualTo(2);
    assertThat(result.get("searches").asInt()).isEqualTo(1);
    assertThat(result.get("keys")).isEqualTo(TestingParley.json("[\"page\"]"));
    assertThat(result.get("top").asText()).isEqualTo("rotate key");
    assertThat(result.get("semanticThreads").asInt()).isEqualTo(2);
    assertThat(result.get("threadConversations"))
        .isEqualTo(TestingParley.json("[[\"sdk-q-1\"], [\"sdk-q-2\"]]"));
  }
}
