package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.DatabaseConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley knowledge add}: a folder of Markdown, HTML, text and PDF into a tenant's knowledge.
 */
class KnowledgeImportTest {
  @Test
  void addsTheFilesOfAFolderAndRevokesItsKey(@TempDir Path folder) throws Exception {
    TestingParley parley = TestingParley.get();
    Files.writeString(folder.resolve("a.md"), "# Passwords\n\nOpen Settings, then Security.");
    Files.writeString(folder.resolve("b.html"), "<p>Invoices are under <b>Billing</b>.</p>");
    Files.writeString(folder.resolve("notes.txt"), "Support answers within a day.");
    Files.write(folder.resolve("logo.png"), new byte[] {1, 2, 3});
    writePdf(folder.resolve("c.pdf"), "Refunds take five days.");
    DatabaseConfig database = parley.database();
    Environment environment =
        Environment.of(
            Map.of(
                "PARLEY_DATABASE_URL", database.jdbcUrl(),
                "PARLEY_DATABASE_USER", database.ownerUser(),
                "PARLEY_DATABASE_PASSWORD", database.ownerPassword(),
                "PARLEY_DATABASE_APP_USER", database.appUser(),
                "PARLEY_DATABASE_APP_PASSWORD", database.appPassword(),
                "PARLEY_CONVERSATION_TARGET",
                    "127.0.0.1:" + parley.servicePort("conversation-service")));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int status =
        Parley.run(
            List.of("knowledge", "add", "--tenant", "imported", folder.toString()),
            environment,
            new PrintStream(printed, true, StandardCharsets.UTF_8),
            System.err);

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(status).as(output).isZero();
    assertThat(output)
        .contains("[1/4] " + folder.resolve("a.md") + ": added as doc_")
        .contains("[3/4] " + folder.resolve("c.pdf") + ": added as doc_")
        .contains("Added 4 of 4 files.")
        .doesNotContain("logo.png");
    String key = parley.key("imported", "knowledge:read");
    JsonNode listed = parley.send("GET", "/parley/v1/knowledge-documents", key, null).json();
    List<String> titles = new ArrayList<>();
    listed.get("documents").forEach(document -> titles.add(document.get("title").asText()));
    assertThat(titles).containsExactlyInAnyOrder("a.md", "b.html", "c.pdf", "notes.txt");
    JsonNode pdf =
        TestingParley.json(
            parley
                .send("GET", "/parley/v1/knowledge-documents:search?query=refunds", key, null)
                .body());
    assertThat(pdf.get("passages").get(0).get("title").asText()).isEqualTo("c.pdf");
    assertThat(pdf.get("passages").get(0).get("text").asText()).contains("Refunds take five days.");
    try (Connection owner =
            DriverManager.getConnection(
                database.jdbcUrl(), database.ownerUser(), database.ownerPassword());
        Statement statement = owner.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*), count(revoke_time) FROM identity.api_key"
                    + " WHERE tenant_id = 'imported' AND description = 'parley knowledge add'")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(1);
      assertThat(rows.getInt(2)).isEqualTo(1);
    }
  }

  @Test
  void needsATenantAndFiles() {
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status =
        Parley.run(
            List.of("knowledge", "add", "somefile"),
            Environment.of(Map.of()),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(errors, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(errors.toString(StandardCharsets.UTF_8))
        .contains("knowledge add needs --tenant and at least one file or folder");
  }

  private static void writePdf(Path file, String text) throws Exception {
    Files.write(file, TestPdfs.pdf(text));
  }
}
