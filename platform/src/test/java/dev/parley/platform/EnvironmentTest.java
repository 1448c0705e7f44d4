package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.platform.config.ConfigurationException;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.platform.db.DatabaseConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  @Test
  void unknownParleyVariablesFailStartupAllAtOnce() {
    assertThatThrownBy(
            () ->
                Environment.of(
                    Map.of("PARLEY_GATEWAY_PROT", "1", "PARLEY_X", "2", "HOME", "/root")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("PARLEY_GATEWAY_PROT, PARLEY_X")
        .hasMessageNotContaining("HOME,");
  }

  @Test
  void defaultsApplyWhenUnsetOrBlank() {
    Environment environment = Environment.of(Map.of("PARLEY_GATEWAY_PORT", " "));
    assertThat(environment.getInt(Setting.GATEWAY_PORT, 0, 65535)).isEqualTo(8080);
    assertThat(environment.get(Setting.CONVERSATION_TARGET)).isEqualTo("127.0.0.1:9101");
    assertThat(environment.find(Setting.DATABASE_URL)).isEmpty();
  }

  @Test
  void integersAreCheckedForTypeAndRange() {
    assertThatThrownBy(
            () ->
                Environment.of(Map.of("PARLEY_GATEWAY_PORT", "http"))
                    .getInt(Setting.GATEWAY_PORT, 0, 65535))
        .hasMessage("PARLEY_GATEWAY_PORT must be an integer, was 'http'");
    assertThatThrownBy(
            () ->
                Environment.of(Map.of("PARLEY_GATEWAY_PORT", "70000"))
                    .getInt(Setting.GATEWAY_PORT, 0, 65535))
        .hasMessage("PARLEY_GATEWAY_PORT must be within 0..65535, was 70000");
  }

  @Test
  void databaseConfigRequiresAUrlAndAnApplicationPasswordAndHidesPasswords() {
    assertThatThrownBy(() -> DatabaseConfig.fromEnvironment(Environment.of(Map.of())))
        .hasMessage("PARLEY_DATABASE_URL must be set");
    DatabaseConfig config =
        DatabaseConfig.fromEnvironment(
            Environment.of(
                Map.of(
                    "PARLEY_DATABASE_URL", "jdbc:postgresql://db:5432/parley",
                    "PARLEY_DATABASE_PASSWORD", "owner-secret",
                    "PARLEY_DATABASE_APP_PASSWORD", "app-secret")));
    assertThat(config.appUser()).isEqualTo("parley_app");
    assertThat(config.toString()).doesNotContain("owner-secret").doesNotContain("app-secret");
  }

  @Test
  void applicationRoleMustNotBeTheOwner() {
    assertThatThrownBy(
            () -> new DatabaseConfig("jdbc:postgresql://db/parley", "parley", "", "parley", "x", 1))
        .hasMessageContaining("must differ");
  }
}
