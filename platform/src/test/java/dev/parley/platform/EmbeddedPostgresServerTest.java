package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.db.EmbeddedPostgresServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {
  @Test
  void keepsItsDataAcrossRestartsOnTheSameFolder(@TempDir Path folder) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (EmbeddedPostgresServer first =
            EmbeddedPostgresServer.startPersistent(folder.resolve("pg"), port);
        Connection connection =
            DriverManager.getConnection(first.jdbcUrl("postgres"), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (value text)");
      statement.execute("INSERT INTO kept VALUES ('still here')");
    }

    try (EmbeddedPostgresServer second =
            EmbeddedPostgresServer.startPersistent(folder.resolve("pg"), port);
        Connection connection =
            DriverManager.getConnection(second.jdbcUrl("postgres"), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT value FROM kept")) {
      assertThat(second.port()).isEqualTo(port);
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("still here");
    }
  }

  @Test
  void commitsAreDurable() throws Exception {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startTemporary();
        Connection connection =
            DriverManager.getConnection(server.jdbcUrl("postgres"), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT current_setting('synchronous_commit'), current_setting('fsync'),"
                    + " current_setting('full_page_writes')")) {
      assertThat(rows.next()).isTrue();
      assertThat(List.of(rows.getString(1), rows.getString(2), rows.getString(3)))
          .containsExactly("on", "on", "on");
    }
  }
}
