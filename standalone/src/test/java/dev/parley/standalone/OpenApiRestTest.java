package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.standalone.TestingParley.Response;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each front door's OpenAPI document, through the REST gateway: served without a key, generated
 * from the contracts, and every operation it lists is a route the gateway serves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiRestTest {
  private static final Map<String, String> DOCUMENTS =
      Map.of(
          "/inkeep/openapi.json", "/inkeep",
          "/gitbook/v1/openapi.json", "/gitbook/v1",
          "/bedrock/openapi.json", "/bedrock",
          "/alli/webapi/v2/openapi.json", "/alli/webapi/v2",
          "/posthog/api/openapi.json", "/posthog/api",
          "/parley/v1/openapi.json", "/parley/v1");

  private TestingParley parley;
  private String key;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    key = parley.key("openapi", "*");
  }

  @Test
  void everyFrontDoorServesItsDocumentAndEveryOperationInItIsARoute() {
    List<String> missing = new ArrayList<>();
    int operations = 0;
    for (Map.Entry<String, String> document : DOCUMENTS.entrySet()) {
      Response response = parley.send("GET", document.getKey(), null, null);
      assertThat(response.status()).as(document.getKey()).isEqualTo(200);
      JsonNode openApi = response.json();
      assertThat(openApi.get("openapi").asText()).isEqualTo("3.1.0");
      assertThat(openApi.at("/servers/0/url").asText()).isEqualTo(document.getValue());
      assertThat(openApi.get("paths").size()).as(document.getKey()).isPositive();
      for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.get("paths").fields();
          paths.hasNext(); ) {
        Map.Entry<String, JsonNode> path = paths.next();
        String concrete = document.getValue() + path.getKey().replaceAll("\\{[^}]+}", "x1");
        for (Iterator<String> verbs = path.getValue().fieldNames(); verbs.hasNext(); ) {
          String verb = verbs.next().toUpperCase(java.util.Locale.ROOT);
          operations++;
          Response called =
              parley.send(
                  verb, concrete, key, verb.equals("GET") || verb.equals("DELETE") ? null : "{}");
          if (called.status() == 405 || called.body().contains("No such endpoint")) {
            missing.add(verb + " " + concrete + " -> " + called.status());
          }
        }
      }
    }
    assertThat(missing).isEmpty();
    assertThat(operations).isGreaterThan(60);
  }

  @Test
  void anOperationCarriesItsParametersBodyStatusAndErrorShape() {
    JsonNode bedrock = parley.send("GET", "/bedrock/openapi.json", null, null).json();
    JsonNode search = bedrock.at("/paths/~1conversations~1search/get");
    assertThat(search.get("parameters"))
        .isEqualTo(
            json(
                """
                [{"name": "query", "in": "query", "required": false,
                  "schema": {"type": "string"}}]
                """));
    assertThat(bedrock.at("/paths/~1conversation~1{conversationId}/delete/responses/200/content"))
        .isEqualTo(json("{\"*/*\": {\"schema\": {}}}"));
    assertThat(
            bedrock
                .at("/components/responses/Error/content/application~1json/schema/oneOf/1/required")
                .get(0)
                .asText())
        .isEqualTo("detail");

    JsonNode posthog = parley.send("GET", "/posthog/api/openapi.json", null, null).json();
    JsonNode create = posthog.at("/paths/~1projects~1{projectId}~1conversations~1tickets/post");
    assertThat(create.isMissingNode()).as(posthog.get("paths").toString()).isFalse();
    assertThat(create.at("/responses").has("201")).isTrue();

    JsonNode inkeep = parley.send("GET", "/inkeep/openapi.json", null, null).json();
    assertThat(inkeep.at("/components/responses/Error/content").fieldNames().next())
        .isEqualTo("application/problem+json");
  }

  @Test
  void documentsAnswerGetAndHeadOnlyAndTheSameBytesEachTime() {
    Response first = parley.send("GET", "/gitbook/v1/openapi.json", null, null);
    Response second = parley.send("GET", "/gitbook/v1/openapi.json", null, null);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(parley.send("HEAD", "/gitbook/v1/openapi.json", null, null).status()).isEqualTo(200);
    Response posted = parley.send("POST", "/gitbook/v1/openapi.json", key, "{}");
    assertThat(posted.status()).isIn(404, 405);
    assertThat(posted.json().at("/error/message").asText()).isNotEmpty();
  }
}
