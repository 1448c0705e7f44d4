package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GitBook's own API client ({@code @gitbook/api} 0.146.0, pinned in {@code
 * src/test/node/gitbook/package-lock.json}) ingests and reads back through the gateway.
 */
class GitBookSdkAcceptanceTest {
  @Test
  void gitBooksClientIngestsListsAndReadsThroughTheGateway() throws Exception {
    TestingParley parley = TestingParley.get();
    String ingestKey = parley.key("gitbook-sdk", "conversations:ingest");
    String readKey = parley.key("gitbook-sdk", "conversation:read");

    String output =
        NodeClients.run(
            "gitbook",
            List.of(
                "node",
                "client.mjs",
                parley.baseUrl() + "/gitbook",
                "gitbook-sdk",
                ingestKey,
                readKey));

    JsonNode result =
        TestingParley.json(output.lines().reduce((first, second) -> second).orElseThrow());
    assertThat(result.get("pages").asInt()).isEqualTo(3);
    assertThat(result.get("seen").asInt()).isEqualTo(5);
    assertThat(result.get("subject").asText()).isEqualTo("Question 4");
    assertThat(result.get("missing").asInt()).isEqualTo(404);
  }

  @Test
  void gitBooksClientReadsIssuesAndClusters() throws Exception {
    TestingParley parley = TestingParley.get();
    String ingestKey = parley.key("gitbook-sdk-issues", "conversations:ingest");
    String readKey = parley.key("gitbook-sdk-issues", "conversation:read");

    String output =
        NodeClients.run(
            "gitbook",
            List.of(
                "node",
                "issues.mjs",
                parley.baseUrl() + "/gitbook",
                "gitbook-sdk-issues",
                ingestKey,
                readKey));

    JsonNode result =
        TestingParley.json(output.lines().reduce((first, second) -> second).orElseThrow());
    assertThat(result.get("clusters").asInt()).isEqualTo(2);
    assertThat(result.get("labels").toString().toLowerCase(java.util.Locale.ROOT))
        .contains("invoice")
        .contains("okta");
    assertThat(result.get("missing").asInt()).isEqualTo(404);
  }
}
