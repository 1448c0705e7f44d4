package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.testing.RowLevelSecurityAssertions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The suite as `parley up` starts it: every service migrated, healthy and reflectable. */
class SuiteTest {
  @Test
  void everyServiceReportsServingAndOffersReflection() throws Exception {
    TestingParley parley = TestingParley.get();
    for (ParleyService service : parley.suite().services()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
      try {
        assertThat(
                HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus())
            .as(service.name())
            .isEqualTo(ServingStatus.SERVING);
        assertThat(listServices(channel)).as(service.name()).contains("grpc.health.v1.Health");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    ManagedChannel conversation =
        ManagedChannelBuilder.forAddress("127.0.0.1", parley.suite().services().getFirst().port())
            .usePlaintext()
            .build();
    assertThat(listServices(conversation))
        .contains(
            "parley.conversation.v1.ConversationService",
            "parley.compat.inkeep.v1.InkeepConversationsService");
    conversation.shutdownNow();
  }

  @Test
  void withADatabaseUrlTheSuiteUsesThatServer() throws Exception {
    var database = dev.parley.platform.testing.TestingDatabase.newDatabase();
    var environment =
        dev.parley.platform.config.Environment.of(
            Parley.Suite.throwAwaySettings(
                java.util.Map.of(
                    "PARLEY_DATABASE_URL", database.jdbcUrl(),
                    "PARLEY_DATABASE_APP_PASSWORD", database.appPassword())));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Parley.Suite suite =
        Parley.Suite.start(environment, new PrintStream(out, true, StandardCharsets.UTF_8))) {
      String key = dev.parley.platform.testing.TestingKeys.create(database, "url-team", "*");
      var client = java.net.http.HttpClient.newHttpClient();
      var response =
          client.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + suite.gatewayPort() + "/inkeep/conversations"))
                  .header("Authorization", "Bearer " + key)
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("Parley is up")
          .doesNotContain("Embedded PostgreSQL");
    }
  }

  @Test
  void everyTenantTableOfEverySchemaIsGuardedByRowLevelSecurity() throws Exception {
    RowLevelSecurityAssertions.assertEveryTenantTableIsGuarded(
        TestingParley.get().database(), "identity", "conversation", "ticket", "analytics");
  }

  @Test
  void theKeyCommandsPrintTheSecretLastAndRevokeIt() {
    TestingParley parley = TestingParley.get();
    var database = parley.database();
    var environment =
        dev.parley.platform.config.Environment.of(
            java.util.Map.of(
                "PARLEY_DATABASE_URL", database.jdbcUrl(),
                "PARLEY_DATABASE_USER", database.ownerUser(),
                "PARLEY_DATABASE_APP_PASSWORD", database.appPassword()));

    Output created =
        run(environment, "keys", "create", "--tenant", "cli-team", "--scopes", "conversation:read");

    assertThat(created.status()).isZero();
    List<String> lines = created.out().lines().toList();
    assertThat(lines.getFirst())
        .matches(
            "Created API key key_[0-9a-f]{16} for tenant cli-team with scopes conversation:read\\.");
    String secret = lines.getLast();
    assertThat(secret).startsWith("pk_");
    assertThat(parley.send("GET", "/inkeep/conversations", secret, null).status()).isEqualTo(200);

    String keyId = lines.getFirst().split(" ")[3];
    Output revoked = run(environment, "keys", "revoke", keyId);
    assertThat(revoked.status()).isZero();
    assertThat(revoked.out()).startsWith("Revoked " + keyId);
    assertThat(run(environment, "keys", "revoke", keyId).err()).contains("already revoked");
  }

  @Test
  void theCommandLineExplainsItsUsage() {
    var environment = dev.parley.platform.config.Environment.of(java.util.Map.of());
    assertThat(run(environment, "help").out())
        .contains("parley keys create --tenant <id> --scopes <list>");
    Output unknown = run(environment, "launch");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'launch'");
    Output badScope =
        run(
            dev.parley.platform.config.Environment.of(
                java.util.Map.of(
                    "PARLEY_DATABASE_URL", TestingParley.get().database().jdbcUrl(),
                    "PARLEY_DATABASE_APP_PASSWORD", TestingParley.get().database().appPassword())),
            "keys",
            "create",
            "--tenant",
            "t",
            "--scopes",
            "everything");
    assertThat(badScope.status()).isEqualTo(1);
    assertThat(badScope.err()).contains("unknown scope 'everything'");
  }

  private record Output(int status, String out, String err) {}

  private static Output run(dev.parley.platform.config.Environment environment, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Parley.run(
            List.of(args),
            environment,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Output(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<String> listServices(ManagedChannel channel) throws Exception {
    CompletableFuture<List<String>> services = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    services.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(service -> service.getName())
                            .toList());
                  }

                  @Override
                  public void onError(Throwable error) {
                    services.completeExceptionally(error);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> result = services.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return result;
  }
}
