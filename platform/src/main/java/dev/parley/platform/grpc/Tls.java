package dev.parley.platform.grpc;

import dev.parley.platform.config.ConfigurationException;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * TLS for the gRPC servers and the channels between services ({@code PARLEY_TLS_*}), for meshes
 * without sidecars that encrypt for them. Off when no certificate is configured. With a certificate
 * and key (PEM, the key in PKCS#8) a server speaks TLS; with a CA bundle, channels verify the
 * server they reach against it (host name included) and present this service's certificate, and
 * with {@code PARLEY_TLS_CLIENT_AUTH=require} a server accepts only clients whose certificate that
 * CA signed (mutual TLS).
 */
public record Tls(Path certificate, Path key, Path ca, boolean requireClients) {
  public static final Tls OFF = new Tls(null, null, null, false);

  public boolean on() {
    return certificate != null;
  }

  public static Tls fromEnvironment(Environment environment) {
    Optional<String> certificate = environment.find(Setting.TLS_CERT_FILE);
    Optional<String> key = environment.find(Setting.TLS_KEY_FILE);
    Optional<String> ca = environment.find(Setting.TLS_CA_FILE);
    String clientAuth =
        environment.find(Setting.TLS_CLIENT_AUTH).orElse("none").toLowerCase(Locale.ROOT);
    if (!clientAuth.equals("none") && !clientAuth.equals("require")) {
      throw new ConfigurationException(
          "PARLEY_TLS_CLIENT_AUTH must be none or require, was '" + clientAuth + "'");
    }
    if (certificate.isEmpty() != key.isEmpty()) {
      throw new ConfigurationException("PARLEY_TLS_CERT_FILE and PARLEY_TLS_KEY_FILE go together");
    }
    if (certificate.isEmpty()) {
      if (ca.isPresent() || clientAuth.equals("require")) {
        throw new ConfigurationException(
            "PARLEY_TLS_CA_FILE and PARLEY_TLS_CLIENT_AUTH need PARLEY_TLS_CERT_FILE");
      }
      return OFF;
    }
    if (clientAuth.equals("require") && ca.isEmpty()) {
      throw new ConfigurationException("PARLEY_TLS_CLIENT_AUTH=require needs PARLEY_TLS_CA_FILE");
    }
    Tls tls =
        new Tls(
            Path.of(certificate.get()),
            Path.of(key.get()),
            ca.map(Path::of).orElse(null),
            clientAuth.equals("require"));
    for (Path file : new Path[] {tls.certificate, tls.key, tls.ca}) {
      if (file != null && !Files.isReadable(file)) {
        throw new ConfigurationException("Cannot read the TLS file " + file);
      }
    }
    return tls;
  }

  /** The server's context, or empty when TLS is off. */
  Optional<SslContext> server() {
    if (!on()) {
      return Optional.empty();
    }
    try {
      SslContextBuilder builder = SslContextBuilder.forServer(file(certificate), file(key));
      if (ca != null) {
        builder.trustManager(file(ca));
      }
      builder.clientAuth(requireClients ? ClientAuth.REQUIRE : ClientAuth.NONE);
      return Optional.of(GrpcSslContexts.configure(builder).build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigurationException(
          "The TLS certificate or key cannot be used: " + e.getMessage());
    }
  }

  /** A channel's context (trusting the CA, presenting this certificate), or empty when off. */
  Optional<SslContext> client() {
    if (!on()) {
      return Optional.empty();
    }
    try {
      SslContextBuilder builder =
          GrpcSslContexts.forClient().keyManager(file(certificate), file(key));
      if (ca != null) {
        builder.trustManager(file(ca));
      }
      return Optional.of(builder.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigurationException(
          "The TLS certificate or key cannot be used: " + e.getMessage());
    }
  }

  private static File file(Path path) {
    return path.toFile();
  }
}
