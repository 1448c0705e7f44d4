package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.db.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tenant with one of each resource the dialects address by id (a conversation with a message,
 * feedback, an event, a ticket, a knowledge document), made through the REST gateway, and the
 * values a route's path variables take to address them. Its {@link #fingerprint} digests every row
 * the tenant owns in conversation-service's and ticket-service's schemas, to prove a request
 * changed nothing.
 */
final class TenantFixture {
  /** Text in every resource of the tenant, to look for in another tenant's answers. */
  final String marker;

  final String tenant;
  final String key;
  final String conversationId;
  final String messageId;
  final String ticketId;
  final String documentId;

  private final TestingParley parley;

  private TenantFixture(TestingParley parley, String tenant) {
    this.parley = parley;
    this.tenant = tenant;
    this.key = parley.key(tenant, "*");
    this.marker = "secret-of-" + tenant;
    this.conversationId = tenant + "-conv";
    this.messageId = tenant + "-msg";
    this.ticketId = createResources();
    this.documentId =
        expect(
                201,
                "POST",
                "/parley/v1/knowledge-documents",
                "{\"title\": \"Notes of %s\", \"content\": \"%s\"}".formatted(tenant, marker))
            .json()
            .get("id")
            .asText();
  }

  static TenantFixture create(TestingParley parley, String tenant) {
    return new TenantFixture(parley, tenant);
  }

  private String createResources() {
    expect(
        200,
        "POST",
        "/inkeep/conversations",
        """
        {"id": "%s", "type": "openai", "properties": {"note": "%s"},
         "messages": [{"id": "%s", "role": "user", "content": "Where is %s?"}]}
        """
            .formatted(conversationId, marker, messageId, marker));
    expect(
        200,
        "POST",
        "/inkeep/feedback",
        """
        {"id": "%s-feedback", "type": "positive", "messageId": "%s", "details": "%s"}
        """
            .formatted(tenant, messageId, marker));
    expect(
        200,
        "POST",
        "/inkeep/events",
        """
        {"id": "%s-event", "type": "message_copied", "entityType": "message",
         "messageId": "%s", "properties": {"note": "%s"}}
        """
            .formatted(tenant, messageId, marker));
    TestingParley.Response ticket =
        expect(
            201,
            "POST",
            "/posthog/api/projects/@current/conversations/tickets/",
            "{\"distinct_id\": \"%s\", \"anonymous_traits\": {\"note\": \"%s\"}}"
                .formatted(marker, marker));
    return ticket.json().get("id").asText();
  }

  private TestingParley.Response expect(int status, String method, String path, String body) {
    TestingParley.Response response = parley.send(method, path, key, body);
    assertThat(response.status())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(status);
    return response;
  }

  /**
   * The value that addresses this tenant's resource for a path variable, named with the path
   * segment before it ({@code tickets/id}): a project or organization is the tenant, a ticket its
   * ticket, a message or chat its message, feedback and events theirs, anything else its
   * conversation.
   */
  String pathValue(String variable) {
    String name = variable.toLowerCase(Locale.ROOT);
    if (name.contains("project") || name.contains("org")) {
      return tenant;
    }
    if (name.contains("knowledge")) {
      return documentId;
    }
    if (name.contains("ticket")) {
      return ticketId;
    }
    if (name.contains("message") || name.contains("chat")) {
      return messageId;
    }
    if (name.contains("feedback")) {
      return tenant + "-feedback";
    }
    if (name.contains("event")) {
      return tenant + "-event";
    }
    return conversationId;
  }

  /**
   * A digest of every row the tenant owns in the conversation and ticket schemas, but for what
   * background work fills in later: passages' embeddings, and the knowledge version their saving
   * moves (a document added or deleted shows in the documents' own rows).
   */
  String fingerprint() {
    DatabaseConfig database = parley.database();
    try (Connection connection =
        DriverManager.getConnection(
            database.jdbcUrl(), database.ownerUser(), database.ownerPassword())) {
      List<String> tables = new ArrayList<>();
      try (PreparedStatement query =
              connection.prepareStatement(
                  "SELECT table_schema || '.' || table_name FROM information_schema.columns"
                      + " WHERE column_name = 'tenant_id'"
                      + " AND table_schema IN ('conversation', 'ticket')"
                      + " AND table_name <> 'knowledge_version'"
                      + " ORDER BY 1");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      StringBuilder digest = new StringBuilder();
      for (String table : tables) {
        // Table names come from the catalog; the tenant is a bind value.
        try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT md5(coalesce(string_agg((to_jsonb(t) - 'embedding')::text, '|'"
                    + " ORDER BY (to_jsonb(t) - 'embedding')::text), ''))"
                    + " FROM "
                    + table
                    + " t WHERE tenant_id = ?")) {
          query.setString(1, tenant);
          try (ResultSet rows = query.executeQuery()) {
            rows.next();
            digest.append(table).append('=').append(rows.getString(1)).append(';');
          }
        }
      }
      return digest.toString();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
