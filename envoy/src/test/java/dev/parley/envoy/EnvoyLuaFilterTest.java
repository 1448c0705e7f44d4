package dev.parley.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the Lua filter of {@code envoy.yaml} (in a JVM Lua interpreter, against a stand-in for
 * Envoy's stream handle) to check that Envoy answers like the gateway: success statuses asked for
 * by a backend, and Inkeep's problem+json for errors under {@code /inkeep/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvoyLuaFilterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Globals lua;

  @BeforeAll
  void load() throws Exception {
    String yaml = Files.readString(Path.of("envoy.yaml"));
    Matcher source =
        Pattern.compile("inline_string: \\|\\n((?: {26}.*\\n|\\s*\\n)+)").matcher(yaml);
    assertThat(source.find()).isTrue();
    lua = JsePlatform.standardGlobals();
    lua.load(source.group(1), "envoy-filter").call();
    lua.load(
            new String(
                getClass().getResourceAsStream("/fake_handle.lua").readAllBytes(),
                StandardCharsets.UTF_8),
            "fake-handle")
        .call();
  }

  @Test
  void rendersGrpcStatusBodiesUnderInkeepAsProblemJson() throws Exception {
    Varargs result =
        respond(
            "404",
            "/inkeep/conversations/x?limit=1",
            "{\"code\":5,\"message\":\"Conversation \\\"x\\\" not found\",\"details\":[]}",
            null);

    assertThat(result.arg(1).tojstring()).isEqualTo("404");
    assertThat(result.arg(2).tojstring()).isEqualTo("application/problem+json");
    assertThat(JSON.readTree(result.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                """
                {"title": "Not Found", "status": 404, "detail": "Conversation \\"x\\" not found",
                 "instance": "/inkeep/conversations/x", "requestId": "rid-1", "code": "not_found",
                 "error": {"code": "not_found", "message": "Conversation \\"x\\" not found"}}
                """));
  }

  @Test
  void rendersGitBookErrorsInGitBooksEnvelope() throws Exception {
    Varargs result =
        respond(
            "404",
            "/gitbook/v1/orgs/o/conversations/x",
            "{\"code\":5,\"message\":\"Conversation x not found\"}",
            null);

    assertThat(result.arg(2).tojstring()).isEqualTo("application/json");
    assertThat(JSON.readTree(result.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"error\": {\"code\": 404, \"message\": \"Conversation x not found\"}}"));
  }

  @Test
  void rendersBedrockErrorsAsAnErrorsList() throws Exception {
    Varargs result =
        respond(
            "400",
            "/bedrock/conversations/bulk-delete",
            "{\"code\":3,\"message\":\"conversationIds: must hold 1..100 ids\"}",
            null);

    assertThat(result.arg(1).tojstring()).isEqualTo("400");
    assertThat(JSON.readTree(result.arg(3).tojstring()))
        .isEqualTo(JSON.readTree("{\"errors\": [\"conversationIds: must hold 1..100 ids\"]}"));
  }

  @Test
  void rendersBedrocksFieldAndBodyErrorsAsFastApisUnprocessableEntity() throws Exception {
    String violation =
        "{\"code\":3,\"message\":\"%s: %s\",\"details\":[{\"@type\":"
            + "\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":"
            + "[{\"field\":\"%s\",\"description\":\"%s\",\"reason\":\"%s\"}]}]}";
    Varargs missing =
        respond(
            "GET",
            "400",
            "/bedrock/conversations/search",
            violation.formatted("query", "is required", "query", "is required", "invalid"),
            null);
    Varargs invalid =
        respond(
            "PATCH",
            "400",
            "/bedrock/conversations/c1/title",
            violation.formatted(
                "newTitle", "must not be blank", "newTitle", "must not be blank", "blank"),
            null);
    Varargs nested =
        respond(
            "POST",
            "400",
            "/bedrock/conversation",
            violation.formatted(
                "message.model", "unknown model", "message.model", "unknown model", "invalid"),
            null);
    Varargs unreadable =
        respond("PUT", "400", "/bedrock/conversations/c1/title", "Unexpected token.\n{", null);
    Varargs badQuery =
        respond("GET", "400", "/bedrock/conversations?limit=ten", "limit: not a number", null);

    assertThat(missing.arg(1).tojstring()).isEqualTo("422");
    assertThat(JSON.readTree(missing.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                """
                {"detail": [{"type": "missing", "loc": ["query", "query"],
                             "msg": "Field required", "input": null}]}
                """));
    assertThat(invalid.arg(1).tojstring()).isEqualTo("422");
    assertThat(JSON.readTree(invalid.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                """
                {"detail": [{"type": "value_error", "loc": ["body", "newTitle"],
                             "msg": "Value error, must not be blank", "input": null}]}
                """));
    assertThat(JSON.readTree(nested.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                """
                {"detail": [{"type": "value_error", "loc": ["body", "message", "model"],
                             "msg": "Value error, unknown model", "input": null}]}
                """));
    assertThat(JSON.readTree(badQuery.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                """
                {"detail": [{"type": "value_error", "loc": ["query"],
                             "msg": "limit: not a number", "input": null}]}
                """));
    assertThat(unreadable.arg(1).tojstring()).isEqualTo("422");
    assertThat(JSON.readTree(unreadable.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                """
                {"detail": [{"type": "json_invalid", "loc": ["body"], "msg": "JSON decode error",
                             "input": {}, "ctx": {"error": "Unexpected token.\\n{"}}]}
                """));
  }

  @Test
  void rendersAlliErrorsInAllisTwoShapes() throws Exception {
    Varargs unauthenticated =
        respond(
            "401",
            "/alli/webapi/v2/conversations",
            "{\"code\":16,\"message\":\"Invalid or revoked API key\"}",
            null);
    Varargs invalid =
        respond(
            "400",
            "/alli/webapi/v2/conversations?pageSize=99",
            "{\"code\":3,\"message\":\"pageSize: must be within 1..50\"}",
            null);

    assertThat(JSON.readTree(unauthenticated.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"error\": {\"value\": 1013, \"name\": \"INVALID_TOKEN\"},"
                    + " \"message\": \"INVALID_TOKEN\"}"));
    assertThat(JSON.readTree(invalid.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree("{\"result\": [], \"errors\": \"pageSize: must be within 1..50\"}"));
  }

  @Test
  void rendersPostHogErrorsWithTheFieldAsAttr() throws Exception {
    Varargs invalid =
        respond(
            "400",
            "/posthog/api/environments/t/conversations/c/append_message/",
            "{\"code\":3,\"message\":\"content: This field is required.\",\"details\":"
                + "[{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":"
                + "[{\"field\":\"content\",\"description\":\"This field is required.\","
                + "\"reason\":\"required\"}]}]}",
            null);
    Varargs tooLong =
        respond(
            "400",
            "/posthog/api/environments/t/conversations/c/append_message/",
            "{\"code\":3,\"message\":\"content: too long\",\"details\":"
                + "[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"
                + "\"INVALID_ARGUMENT\",\"domain\":\"parley.dev\"},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":"
                + "[{\"field\":\"content\",\"description\":\"Ensure this field has no more"
                + " than 10000 characters.\",\"reason\":\"max_length\"}]}]}",
            null);
    Varargs generic =
        respond(
            "400",
            "/posthog/api/environments/t/conversations/c/",
            "{\"code\":3,\"message\":\"Cannot continue\",\"details\":"
                + "[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"
                + "\"INVALID_ARGUMENT\",\"domain\":\"parley.dev\"}]}",
            null);
    Varargs noCredentials =
        respond(
            "401",
            "/posthog/api/environments/t/conversations/",
            "{\"code\":16,\"message\":\"Missing API key: send it as 'Authorization: Bearer"
                + " <key>'\"}",
            null);
    Varargs badKey =
        respond(
            "401",
            "/posthog/api/environments/t/conversations/",
            "{\"code\":16,\"message\":\"Invalid or revoked API key\"}",
            null);
    Varargs missing =
        respond(
            "404",
            "/posthog/api/environments/t/conversations/c/",
            "{\"code\":5,\"message\":\"Conversation c not found\"}",
            null);

    assertThat(JSON.readTree(invalid.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"type\": \"validation_error\", \"code\": \"required\","
                    + " \"detail\": \"This field is required.\", \"attr\": \"content\"}"));
    assertThat(JSON.readTree(tooLong.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"type\": \"validation_error\", \"code\": \"max_length\", \"detail\":"
                    + " \"Ensure this field has no more than 10000 characters.\","
                    + " \"attr\": \"content\"}"));
    assertThat(JSON.readTree(generic.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"type\": \"validation_error\", \"code\": \"invalid_input\","
                    + " \"detail\": \"Cannot continue\", \"attr\": null}"));
    assertThat(JSON.readTree(noCredentials.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"type\": \"authentication_error\", \"code\": \"not_authenticated\","
                    + " \"detail\": \"Authentication credentials were not provided.\","
                    + " \"attr\": null}"));
    assertThat(JSON.readTree(badKey.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"type\": \"authentication_error\", \"code\": \"authentication_failed\","
                    + " \"detail\": \"Invalid or revoked API key\", \"attr\": null}"));
    assertThat(JSON.readTree(missing.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"type\": \"invalid_request\", \"code\": \"not_found\","
                    + " \"detail\": \"Conversation c not found\", \"attr\": null}"));
  }

  @Test
  void answersAServicesVerbatimBodyAsItIs() throws Exception {
    // What convert_grpc_status prints for a status whose ErrorInfo carries the vendor's body.
    String status =
        "{\"code\":3,\"message\":\"Cannot stream from non-existent conversation\",\"details\":"
            + "[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"
            + "\"INVALID_ARGUMENT\",\"domain\":\"parley.dev\",\"metadata\":{\"requestId\":"
            + "\"req_1\",\"httpBody\":\"{\\\"error\\\":\\\"Cannot stream from"
            + " non-existent conversation \\\\u00e9\\\"}\"}}]}";
    Varargs answered = respond("400", "/posthog/api/environments/t/conversations", status, null);
    Varargs queueFull =
        respond(
            "409",
            "/posthog/api/environments/t/conversations/c/queue",
            "{\"code\":10,\"message\":\"full\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.rpc.ErrorInfo\",\"metadata\":{\"httpBody\":"
                + "\"{\\\"error\\\":\\\"queue_full\\\",\\\"detail\\\":\\\"Only two"
                + " messages can be queued at a time.\\\"}\"}}]}",
            null);

    assertThat(JSON.readTree(answered.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree("{\"error\": \"Cannot stream from non-existent conversation \\u00e9\"}"));
    assertThat(JSON.readTree(queueFull.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"error\": \"queue_full\","
                    + " \"detail\": \"Only two messages can be queued at a time.\"}"));
  }

  @Test
  void recordsTheCallersMethodForTheRetryPolicyWhateverTheCallerClaims() {
    LuaValue headers = lua.get("request_headers");
    LuaTable spoofed = new LuaTable();
    spoofed.set("x-parley-request-method", "GET");

    LuaValue post =
        headers.call(
            LuaValue.valueOf("POST"),
            LuaValue.valueOf("/posthog/api/projects/1/conversations/tickets/"),
            spoofed);
    assertThat(post.get("x-parley-request-method").tojstring()).isEqualTo("POST");
    LuaValue get =
        headers.call(LuaValue.valueOf("GET"), LuaValue.valueOf("/inkeep/conversations/c"));
    assertThat(get.get("x-parley-request-method").tojstring()).isEqualTo("GET");
  }

  @Test
  void refusesNativeGrpcAtTheEdge() {
    LuaValue headers = lua.get("request_headers");
    LuaTable grpc = new LuaTable();
    grpc.set("content-type", "application/grpc+proto");

    Varargs refused =
        headers.invoke(
            LuaValue.varargsOf(
                new LuaValue[] {
                  LuaValue.valueOf("POST"),
                  LuaValue.valueOf("/parley.ticket.v1.TicketService/CreateTicket"),
                  grpc
                }));
    LuaValue reply = refused.arg(2);
    assertThat(reply.isnil()).isFalse();
    assertThat(reply.get("grpc-status").tojstring()).isEqualTo("12");
    assertThat(reply.get(":status").tojstring()).isEqualTo("200");

    LuaTable json = new LuaTable();
    json.set("content-type", "application/json");
    Varargs rest =
        headers.invoke(
            LuaValue.varargsOf(
                new LuaValue[] {
                  LuaValue.valueOf("POST"), LuaValue.valueOf("/inkeep/conversations"), json
                }));
    assertThat(rest.arg(2).isnil()).isTrue();
  }

  @Test
  void dropsPostHogsTrailingSlashBeforeTranscoding() {
    LuaValue rewrite = lua.get("rewritten_path");

    assertThat(rewrite.call("/posthog/api/environments/1/conversations/").tojstring())
        .isEqualTo("/posthog/api/environments/1/conversations");
    assertThat(rewrite.call("/posthog/api/environments/1/conversations/?limit=2").tojstring())
        .isEqualTo("/posthog/api/environments/1/conversations?limit=2");
    assertThat(rewrite.call("/posthog/api/environments/1/conversations/c").tojstring())
        .isEqualTo("/posthog/api/environments/1/conversations/c");
    assertThat(rewrite.call("/gitbook/v1/orgs/o/conversations/").tojstring())
        .isEqualTo("/gitbook/v1/orgs/o/conversations/");
  }

  @Test
  void rendersTheEdgeRateLimitsOwnReplyInTheDialectsShape() throws Exception {
    Varargs posthog =
        respond("429", "/posthog/api/environments/t/conversations/", "local_rate_limited", null);
    assertThat(posthog.arg(1).tojstring()).isEqualTo("429");
    assertThat(JSON.readTree(posthog.arg(3).tojstring()))
        .isEqualTo(
            JSON.readTree(
                "{\"type\": \"throttled_error\", \"code\": \"throttled\","
                    + " \"detail\": \"Too Many Requests\", \"attr\": null}"));
    Varargs bedrock = respond("429", "/bedrock/conversations", "local_rate_limited", null);
    assertThat(JSON.readTree(bedrock.arg(3).tojstring()))
        .isEqualTo(JSON.readTree("{\"errors\": [\"Too Many Requests\"]}"));
  }

  @Test
  void rendersEnvoysOwnRepliesUnderInkeepToo() throws Exception {
    JsonNode body =
        JSON.readTree(
            respond("413", "/inkeep/conversations", "Payload Too Large", null).arg(3).tojstring());

    assertThat(body.get("status").asInt()).isEqualTo(413);
    assertThat(body.get("code").asText()).isEqualTo("bad_request");
    assertThat(body.get("detail").asText()).isEqualTo("Request Entity Too Large");
  }

  @Test
  void appliesTheSuccessStatusABackendAsksFor() {
    LuaTable header = new LuaTable();
    header.set("parley-http-status", "204");
    Varargs noContent = respond("200", "/gitbook/v1/orgs/o/conversations", "{}", header);
    assertThat(noContent.arg(1).tojstring()).isEqualTo("204");
    assertThat(noContent.arg(3).tojstring()).isEmpty();
    assertThat(noContent.arg(4).isnil()).isTrue();

    header.set("parley-http-status", "201");
    Varargs created = respond("200", "/posthog/api/x", "{\"id\":\"t\"}", header);
    assertThat(created.arg(1).tojstring()).isEqualTo("201");
    assertThat(created.arg(3).tojstring()).isEqualTo("{\"id\":\"t\"}");
  }

  @Test
  void leavesOtherPathsAndSuccessesAlone() {
    assertThat(respond("404", "/elsewhere", "{\"code\":5}", null).arg(3).tojstring())
        .isEqualTo("{\"code\":5}");
    assertThat(respond("200", "/inkeep/conversations", "{\"a\":1}", null).arg(3).tojstring())
        .isEqualTo("{\"a\":1}");
  }

  @Test
  void turnsAPdfUploadIntoTheJsonTheTranscoderReads() throws Exception {
    byte[] pdf = new byte[256];
    for (int i = 0; i < pdf.length; i++) {
      pdf[i] = (byte) i; // every byte value, as a binary file has them
    }
    LuaTable headers = new LuaTable();
    headers.set("content-type", "application/pdf");
    headers.set("content-length", Integer.toString(pdf.length));
    headers.set("content-disposition", "attachment; filename=\"Refunds \\ policy.pdf\"");
    Varargs result =
        upload(
            "POST",
            "/parley/v1/knowledge-documents?sourceLink=https%3A%2F%2Fx.example%2Fa%20b.pdf",
            headers,
            pdf);

    assertThat(result.arg(1).tojstring())
        .isEqualTo("/parley/v1/knowledge-documents?sourceLink=https%3A%2F%2Fx.example%2Fa%20b.pdf");
    assertThat(result.arg(2).tojstring()).isEqualTo("application/json");
    assertThat(result.arg(4).isnil()).isTrue();
    JsonNode body = JSON.readTree(result.arg(3).tojstring());
    assertThat(body.get("title").asText()).isEqualTo("Refunds \\ policy.pdf");
    assertThat(body.get("sourceLink").asText()).isEqualTo("https://x.example/a b.pdf");
    assertThat(java.util.Base64.getDecoder().decode(body.get("pdf").asText())).isEqualTo(pdf);

    // ?title= wins; other requests are left alone.
    headers.set("content-disposition", LuaValue.NIL);
    assertThat(
            JSON.readTree(
                    upload("POST", "/parley/v1/knowledge-documents?title=A+%C3%A9", headers, pdf)
                        .arg(3)
                        .tojstring())
                .get("title")
                .asText())
        .isEqualTo("A é");
    assertThat(upload("POST", "/parley/v1/knowledge-documents/x", headers, pdf).arg(2).tojstring())
        .isEqualTo("application/pdf");
    headers.set("content-type", "application/json");
    assertThat(upload("POST", "/parley/v1/knowledge-documents", headers, pdf).arg(3).length())
        .isEqualTo(pdf.length);
  }

  private Varargs upload(String method, String path, LuaTable headers, byte[] body) {
    return lua.get("upload")
        .invoke(
            LuaValue.varargsOf(
                new LuaValue[] {
                  LuaValue.valueOf(method), LuaValue.valueOf(path), headers, LuaValue.valueOf(body)
                }));
  }

  private Varargs respond(String status, String path, String body, LuaTable headers) {
    return respond("POST", status, path, body, headers);
  }

  private Varargs respond(
      String method, String status, String path, String body, LuaTable headers) {
    return lua.get("respond")
        .invoke(
            LuaValue.varargsOf(
                new LuaValue[] {
                  LuaValue.valueOf(status),
                  LuaValue.valueOf(path),
                  LuaValue.valueOf(body),
                  headers == null ? LuaValue.NIL : headers,
                  LuaValue.valueOf(method)
                }));
  }
}
