package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.testing.TestingDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Events written by release 0.1 (untyped JSON, recorded from that release's own outboxes in {@code
 * legacy-0.1/outbox.json}) replay into today's typed consumers: analytics-service, starting from an
 * empty cursor, builds exactly the read models release 0.1 built from them ({@code
 * legacy-0.1/read-models.json}, recorded from that release's tables). An event of a kind this
 * release does not know is skipped and counted.
 */
class LegacyEventsReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eventsOfTheEarlierReleaseBuildTheSameReadModels() throws Exception {
    JsonNode outbox = resource("legacy-0.1/outbox.json").get("events");
    JsonNode expected = resource("legacy-0.1/read-models.json");
    DatabaseConfig database = TestingDatabase.newDatabase();
    SchemaMigrator migrator = new SchemaMigrator(database);
    migrator.migrate("conversation");
    migrator.migrate("ticket");
    try (Connection owner = owner(database)) {
      owner.setAutoCommit(false);
      for (JsonNode event : outbox) {
        // Schema names come from the recorded file, checked against the two outboxes.
        String schema = event.get("schema").asText();
        assertThat(schema).isIn("conversation", "ticket");
        try (PreparedStatement insert =
            owner.prepareStatement(
                "INSERT INTO "
                    + schema
                    + ".event_outbox (tenant_id, id, type, subject_id, data_json, created_at)"
                    + " VALUES (?, ?::uuid, ?, ?, ?::jsonb, ?::timestamptz)")) {
          insert.setString(1, event.get("tenant_id").asText());
          insert.setString(2, event.get("id").asText());
          insert.setString(3, event.get("type").asText());
          insert.setString(4, event.get("subject_id").asText());
          insert.setString(5, event.get("data_json").toString());
          insert.setString(6, event.get("created_at").asText());
          insert.executeUpdate();
        }
      }
      // A kind this release does not know, as a newer producer would write it.
      try (Statement insert = owner.createStatement()) {
        insert.execute(
            "INSERT INTO conversation.event_outbox"
                + " (tenant_id, id, type, subject_id, data_json, created_at)"
                + " VALUES ('legacy-a', gen_random_uuid(), 'conversation.archived', 'conv-1',"
                + " '{\"reason\": \"old\"}', now())");
      }
      owner.commit();
    }

    Parley.Suite suite =
        Parley.Suite.start(
            Environment.of(
                Parley.Suite.throwAwaySettings(
                    Map.of("PARLEY_INTERNAL_TOKEN", TestingParley.INTERNAL_TOKEN))),
            database,
            null,
            new PrintStream(OutputStream.nullOutputStream()));
    try (Connection owner = owner(database)) {
      long applied =
          TestingParley.eventually(
              () -> count(owner, "SELECT count(*) FROM analytics.applied_event"),
              count -> count == outbox.size() + 1);
      assertThat(applied).isEqualTo(outbox.size() + 1);
      var tables = expected.fields();
      while (tables.hasNext()) {
        var table = tables.next();
        String sql = table.getValue().get("sql").asText();
        assertThat(rows(owner, sql)).as(table.getKey()).isEqualTo(table.getValue().get("rows"));
      }
      ParleyService analytics =
          suite.services().stream()
              .filter(service -> service.name().equals("analytics-service"))
              .findFirst()
              .orElseThrow();
      // The unknown kind is skipped and counted, not parked; nothing else is skipped.
      assertThat(analytics.instance(MeterRegistry.class).find("parley.events.skipped").counters())
          .singleElement()
          .satisfies(
              counter -> {
                assertThat(counter.getId().getTag("type")).isEqualTo("conversation.archived");
                assertThat(counter.count()).isEqualTo(1.0);
              });
      assertThat(count(owner, "SELECT count(*) FROM analytics.parked_event")).isZero();
    } finally {
      suite.close();
    }
  }

  private static JsonNode rows(Connection owner, String sql) {
    try (Statement statement = owner.createStatement()) {
      statement.execute("SET TIME ZONE 'UTC'");
      // The query comes from the recorded file, next to the rows it gave.
      try (ResultSet result =
          statement.executeQuery(
              "SELECT coalesce(json_agg(row_to_json(x)), '[]') FROM (" + sql + ") x")) {
        result.next();
        return JSON.readTree(result.getString(1));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(Connection owner, String sql) {
    try (Statement statement = owner.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection owner(DatabaseConfig database) throws Exception {
    return DriverManager.getConnection(
        database.jdbcUrl(), database.ownerUser(), database.ownerPassword());
  }

  private static JsonNode resource(String name) throws Exception {
    try (InputStream input = LegacyEventsReplayTest.class.getResourceAsStream("/" + name)) {
      return JSON.readTree(input);
    }
  }
}
