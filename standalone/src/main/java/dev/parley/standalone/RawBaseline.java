package dev.parley.standalone;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The same work as a Parley write or read, done by PostgreSQL alone: the statements go through JDBC
 * from the benchmark's threads to the same database, without Parley's gateway, services or
 * row-level security. The tables are copies of Parley's ({@code LIKE ... INCLUDING ALL}: columns,
 * defaults, generated columns, indexes; the foreign key added back) in a schema of their own, and
 * the rows are copies of a conversation Parley wrote, its messages and its outbox event, so the
 * bytes written are the same. What it measures is the ceiling Parley's figure is set beside.
 */
final class RawBaseline {
  private static final String SCHEMA = "raw_bench";

  private final Table conversation;
  private final Table message;
  private final Table outbox;

  /** A table's insertable columns and the template rows to copy. */
  private record Table(String name, List<String> columns, List<Object[]> rows) {}

  private RawBaseline(Table conversation, Table message, Table outbox) {
    this.conversation = requireNonNull(conversation, "conversation is null");
    this.message = message;
    this.outbox = outbox;
  }

  /** Copies Parley's tables and the rows of one conversation it wrote, as templates. */
  static RawBaseline prepare(DataSource owner, String tenantId, String conversationId)
      throws SQLException {
    try (Connection connection = owner.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      statement.execute("CREATE SCHEMA " + SCHEMA);
      for (String table : new String[] {"conversation", "message", "event_outbox"}) {
        statement.execute(
            "CREATE TABLE "
                + SCHEMA
                + "."
                + table
                + " (LIKE conversation."
                + table
                + " INCLUDING ALL)");
      }
      statement.execute(
          "ALTER TABLE "
              + SCHEMA
              + ".message ADD FOREIGN KEY (tenant_id, conversation_id) REFERENCES "
              + SCHEMA
              + ".conversation (tenant_id, id) ON DELETE CASCADE");
      Table conversation =
          table(connection, "conversation", "tenant_id = ? AND id = ?", tenantId, conversationId);
      Table message =
          table(
              connection,
              "message",
              "tenant_id = ? AND conversation_id = ?",
              tenantId,
              conversationId);
      Table outbox =
          table(
              connection,
              "event_outbox",
              "tenant_id = ? AND subject_id = ? ORDER BY position LIMIT 1",
              tenantId,
              conversationId);
      if (conversation.rows().isEmpty() || message.rows().isEmpty() || outbox.rows().isEmpty()) {
        throw new IllegalStateException("No template conversation " + conversationId);
      }
      return new RawBaseline(conversation, message, outbox);
    }
  }

  private static Table table(
      Connection connection, String name, String where, String tenantId, String conversationId)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
                + " 'conversation' AND table_name = ? AND is_generated = 'NEVER'"
                + " AND coalesce(column_default, '') NOT LIKE 'nextval%'"
                + " AND column_name <> 'transaction_id' ORDER BY ordinal_position")) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1));
        }
      }
    }
    List<Object[]> rows = new ArrayList<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT "
                + String.join(", ", columns)
                + " FROM conversation."
                + name
                + " WHERE "
                + where)) {
      statement.setString(1, tenantId);
      statement.setString(2, conversationId);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          Object[] row = new Object[columns.size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = result.getObject(i + 1);
          }
          rows.add(row);
        }
      }
    }
    return new Table(name, columns, rows);
  }

  /**
   * New conversations of the template's shape, one transaction each: the conversation row, its
   * messages in one multi-row insert, its outbox row.
   */
  ClosedLoop.Timing writes(DataSource owner, int requests, int concurrency) throws Exception {
    String insertConversation = insert(conversation, 1);
    String insertMessages = insert(message, message.rows().size());
    String insertOutbox = insert(outbox, 1);
    return run(
        owner,
        requests,
        concurrency,
        (connection, i) -> {
          String id = "raw-" + i;
          connection.setAutoCommit(false);
          try (PreparedStatement statement = connection.prepareStatement(insertConversation)) {
            bind(statement, conversation, conversation.rows().getFirst(), 0, id);
            statement.executeUpdate();
          }
          try (PreparedStatement statement = connection.prepareStatement(insertMessages)) {
            int offset = 0;
            for (Object[] row : message.rows()) {
              bind(statement, message, row, offset, id);
              offset += message.columns().size();
            }
            statement.executeUpdate();
          }
          try (PreparedStatement statement = connection.prepareStatement(insertOutbox)) {
            bind(statement, outbox, outbox.rows().getFirst(), 0, id);
            statement.executeUpdate();
          }
          connection.commit();
          connection.setAutoCommit(true);
        });
  }

  /** One conversation and its messages by key, as GET one conversation reads them. */
  ClosedLoop.Timing reads(DataSource owner, int requests, int concurrency) throws Exception {
    return run(
        owner,
        requests,
        concurrency,
        (connection, i) -> {
          String tenantId = (String) conversation.rows().getFirst()[0];
          try (PreparedStatement one =
                  connection.prepareStatement(
                      "SELECT * FROM " + SCHEMA + ".conversation WHERE tenant_id = ? AND id = ?");
              PreparedStatement messages =
                  connection.prepareStatement(
                      "SELECT * FROM "
                          + SCHEMA
                          + ".message WHERE tenant_id = ? AND conversation_id = ?"
                          + " ORDER BY position")) {
            one.setString(1, tenantId);
            one.setString(2, "raw-" + i);
            messages.setString(1, tenantId);
            messages.setString(2, "raw-" + i);
            try (ResultSet row = one.executeQuery();
                ResultSet rows = messages.executeQuery()) {
              if (!row.next()) {
                throw new IllegalStateException("raw-" + i + " is missing");
              }
              while (rows.next()) {
                rows.getString("content_json");
              }
            }
          }
        });
  }

  private static String insert(Table table, int rows) {
    String tuple = "(" + String.join(", ", table.columns().stream().map(c -> "?").toList()) + ")";
    List<String> tuples = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      tuples.add(tuple);
    }
    return "INSERT INTO "
        + SCHEMA
        + "."
        + table.name()
        + " ("
        + String.join(", ", table.columns())
        + ") VALUES "
        + String.join(", ", tuples);
  }

  /** Binds a template row, with the new conversation's id where the template has its own. */
  private static void bind(
      PreparedStatement statement, Table table, Object[] row, int offset, String conversationId)
      throws SQLException {
    for (int column = 0; column < row.length; column++) {
      String name = table.columns().get(column);
      Object value = row[column];
      boolean conversationKey =
          (table.name().equals("conversation") && name.equals("id"))
              || (table.name().equals("message") && name.equals("conversation_id"))
              || (table.name().equals("event_outbox") && name.equals("subject_id"));
      if (conversationKey) {
        value = conversationId;
      } else if (table.name().equals("event_outbox") && name.equals("id")) {
        value = UUID.randomUUID();
      } else if (table.name().equals("conversation")
          && name.equals("external_id")
          && value != null) {
        value = conversationId;
      }
      statement.setObject(offset + column + 1, value);
    }
  }

  private interface Work {
    void run(Connection connection, int i) throws SQLException;
  }

  /** The calls, each on a connection of the pool (as a service takes one per transaction). */
  private static ClosedLoop.Timing run(DataSource owner, int requests, int concurrency, Work work)
      throws Exception {
    return ClosedLoop.run(
        requests,
        concurrency,
        i -> {
          try (Connection connection = owner.getConnection()) {
            work.run(connection, i);
          }
        });
  }
}
