package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Parley's OpenAPI documents beside the vendors' own: GitBook's published spec ({@code
 * spec/openapi.json} in {@code @gitbook/api@0.146.0}, its {@code conversations} operations) and the
 * contract Inkeep's SDK enforces (read out of {@code @inkeep/inkeep-analytics} by {@code
 * src/test/node/inkeep/openapi.mjs}). Every difference found must be listed, with its reason, in
 * the dialect's doc under "Differences from the vendor's OpenAPI document", and every listed one
 * must still be found.
 */
class VendorSpecComparisonTest {
  private static final Path DOCS = Path.of("..", "docs", "dialects");

  @Test
  void gitBooksConversationsSectionDiffersOnlyWhereTheDocsSay() throws Exception {
    Path folder = NodeClients.installed("gitbook");
    JsonNode vendor =
        TestingParley.json(
            Files.readString(folder.resolve("node_modules/@gitbook/api/spec/openapi.json")));
    JsonNode parley = parleyDocument("/gitbook/v1/openapi.json");

    Set<String> found =
        OpenApiComparison.differences(
            vendor, operation -> contains(operation.path("tags"), "conversations"), parley);

    assertThat(found).isEqualTo(listed("gitbook.md"));
  }

  @Test
  void inkeepsSdkContractDiffersOnlyWhereTheDocsSay() throws Exception {
    JsonNode vendor = TestingParley.json(NodeClients.run("inkeep", List.of("node", "openapi.mjs")));
    assertThat(vendor.get("paths").size()).isGreaterThan(10);
    JsonNode parley = parleyDocument("/inkeep/openapi.json");

    Set<String> found = OpenApiComparison.differences(vendor, operation -> true, parley);

    assertThat(found).isEqualTo(listed("inkeep.md"));
  }

  @Test
  void theComparisonSeesAFieldTheVendorHasAndParleyLacks() {
    JsonNode vendor =
        TestingParley.json(
            """
            {"paths": {"/a": {"get": {"parameters": [{"in": "query", "name": "limit"}],
              "responses": {"200": {"content": {"application/json": {"schema":
                {"type": "object", "properties": {"id": {"type": "string"},
                  "count": {"type": "number"}, "flag": {"type": "boolean"},
                  "meta": {"type": "object"}}}}}}}}}}}
            """);
    JsonNode parley =
        TestingParley.json(
            """
            {"paths": {"/a": {"get": {"parameters": [{"in": "path", "name": "x"}],
              "responses": {"200": {"content": {"application/json": {"schema":
                {"type": "object", "properties": {"count": {"type": "integer"},
                  "flag": {"type": ["string", "null"]},
                  "meta": {"type": "object", "properties": {"k": {"type": "string"}}},
                  "extra": {"type": "object", "properties": {"n": {"type": "boolean"}}}}}}}}}}},
              "/b": {"post": {"responses": {"204": {"description": "none"}}}}}}
            """);

    assertThat(OpenApiComparison.differences(vendor, operation -> true, parley))
        .containsExactly(
            "GET /a | field `extra` not in the vendor's document",
            "GET /a | field `flag` is [string], vendor [boolean]",
            "GET /a | field `id` missing",
            "GET /a | parameter `path:x` not in the vendor's document",
            "GET /a | parameter `query:limit` missing",
            "POST /b | operation not in the vendor's document");
  }

  private static JsonNode parleyDocument(String path) {
    TestingParley.Response response = TestingParley.get().send("GET", path, null, null);
    assertThat(response.status()).isEqualTo(200);
    return response.json();
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode element : array) {
      if (element.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** The rows of the doc's table of differences, as {@code operation | difference}. */
  private static Set<String> listed(String doc) throws Exception {
    List<String> lines = Files.readAllLines(DOCS.resolve(doc));
    int start = lines.indexOf("## Differences from the vendor's OpenAPI document");
    assertThat(start).as(doc + " has the section").isNotNegative();
    Set<String> rows = new TreeSet<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("| `")) {
        String[] cells = line.split(" \\| ");
        rows.add(cells[0].substring(3, cells[0].length() - 1) + " | " + cells[1]);
      }
    }
    return rows;
  }
}
