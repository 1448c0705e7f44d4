package dev.parley.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.platform.config.ConfigurationException;
import dev.parley.platform.config.Environment;
import dev.parley.platform.identity.ApiKeyAuthenticator;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gRPC server with TLS and mutual TLS, its certificates signed by a CA this test makes with the
 * JDK's keytool: a client that trusts the CA and presents a certificate it signed is served; a
 * plaintext client, a client without a certificate and one with a certificate of another CA are
 * refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
  private static final String PASSWORD = "changeit";

  @TempDir static Path folder;
  private Path ca;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private GrpcServer server;

  private void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
  }

  /** A CA's self-signed certificate (PEM) in {@code <name>.crt}, its keys in {@code <name>.p12}. */
  private Path authority(String name) throws Exception {
    Path store = folder.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=" + name,
        "-ext",
        "bc:c",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    Path certificate = folder.resolve(name + ".crt");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        certificate.toString());
    return certificate;
  }

  /** A certificate for localhost signed by the CA, and its PKCS#8 key: {cert, key}. */
  private Path[] signed(String name, String authority) throws Exception {
    Path store = folder.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=" + name,
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    Path request = folder.resolve(name + ".csr");
    keytool(
        "-certreq",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        request.toString());
    Path certificate = folder.resolve(name + ".crt");
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        authority,
        "-keystore",
        folder.resolve(authority + ".p12").toString(),
        "-storepass",
        PASSWORD,
        "-infile",
        request.toString(),
        "-outfile",
        certificate.toString(),
        "-validity",
        "2",
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-ext",
        "eku=serverAuth,clientAuth");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (FileInputStream input = new FileInputStream(store.toFile())) {
      keys.load(input, PASSWORD.toCharArray());
    }
    Key key = keys.getKey(name, PASSWORD.toCharArray());
    Path pem = folder.resolve(name + ".key");
    Files.writeString(
        pem,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return new Path[] {certificate, pem};
  }

  private Tls tls(Path[] identity, boolean requireClients) {
    return new Tls(identity[0], identity[1], ca, requireClients);
  }

  @BeforeAll
  void start() throws Exception {
    ca = authority("parley-test-ca");
    Path[] serverIdentity = signed("conversation-service", "parley-test-ca");
    server =
        new GrpcServer(
            "tls-test",
            ServerConfig.forTesting().withTls(tls(serverIdentity, true)),
            List.of(),
            new ApiKeyAuthenticator(DSL.using(org.jooq.SQLDialect.POSTGRES), Duration.ofSeconds(1)),
            new SimpleMeterRegistry(),
            dev.parley.platform.ops.Tracing.off());
    server.start();
    server.serving();
  }

  @AfterAll
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  private ServingStatus check(Tls clientTls) {
    ManagedChannel channel = ServiceChannels.open("localhost:" + server.port(), clientTls);
    channels.add(channel);
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  @Test
  void servesAPeerThatPresentsACertificateTheCaSigned() throws Exception {
    Path[] client = signed("ticket-service", "parley-test-ca");
    assertThat(check(tls(client, false))).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void refusesPlaintextAndClientsWithoutAGoodCertificate() throws Exception {
    assertThatThrownBy(() -> check(Tls.OFF)).isInstanceOf(StatusRuntimeException.class);

    Path otherCa = authority("another-ca");
    Path[] stranger = signed("stranger", "another-ca");
    assertThatThrownBy(() -> check(new Tls(stranger[0], stranger[1], ca, false)))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(otherCa).exists();
  }

  @Test
  void refusesIncompleteSettingsAtStartup() {
    assertThat(Tls.fromEnvironment(Environment.of(Map.of())).on()).isFalse();
    assertThatThrownBy(
            () -> Tls.fromEnvironment(Environment.of(Map.of("PARLEY_TLS_CERT_FILE", "/x.crt"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("go together");
    assertThatThrownBy(
            () ->
                Tls.fromEnvironment(
                    Environment.of(
                        Map.of(
                            "PARLEY_TLS_CERT_FILE", ca.toString(),
                            "PARLEY_TLS_KEY_FILE", ca.toString(),
                            "PARLEY_TLS_CLIENT_AUTH", "require"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("PARLEY_TLS_CA_FILE");
    assertThatThrownBy(
            () ->
                Tls.fromEnvironment(Environment.of(Map.of("PARLEY_TLS_CLIENT_AUTH", "sometimes"))))
        .isInstanceOf(ConfigurationException.class);
  }
}
