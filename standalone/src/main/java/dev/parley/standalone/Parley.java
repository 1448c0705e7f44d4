package dev.parley.standalone;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.analytics.AnalyticsServer;
import dev.parley.conversation.ConversationServer;
import dev.parley.gateway.Gateway;
import dev.parley.gateway.GatewayConfig;
import dev.parley.platform.config.ConfigurationException;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.EmbeddedPostgresServer;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.identity.ApiKeyAdministration;
import dev.parley.platform.identity.Scopes;
import dev.parley.platform.ops.Management;
import dev.parley.platform.ops.Tracing;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.runtime.ServiceDefinition;
import dev.parley.ticket.TicketServer;
import dev.parley.type.v1.Backend;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * The {@code parley} command: {@code up} runs the whole suite in one JVM (embedded PostgreSQL when
 * no database URL is configured); {@code keys create|revoke} manage API keys.
 */
public final class Parley {
  private static final String USAGE =
      """
      Usage:
        parley up                                         start Parley (gateway on :8080)
        parley keys create --tenant <id> --scopes <list>  create an API key; prints it last
                           [--description <text>]
        parley keys revoke <key id>                       revoke an API key
        parley knowledge add --tenant <id> <file or folder>...
                                                          add documents to a tenant's knowledge
                                                          (.md .txt .html .pdf) while Parley runs
        parley bench [--requests N] [--concurrency C] [--messages M]
                                                          measure REST calls on a throw-away database
        parley eval clusters <file.csv> [--half tune|test] [--thresholds a,b,...]
                                                          score issue clustering on labelled
                                                          questions (text,label): NMI, ARI
      Scopes: %s
      Configuration: PARLEY_* environment variables (see README).
      """
          .formatted(String.join(", ", Scopes.KNOWN));

  private Parley() {}

  public static void main(String[] args) {
    try {
      int status = run(Arrays.asList(args), Environment.system(), System.out, System.err);
      if (status != 0) {
        System.exit(status);
      }
    } catch (ConfigurationException e) {
      System.err.println("parley: " + e.getMessage());
      System.exit(2);
    } catch (RuntimeException e) {
      // Start-up failures (a port in use, an unreachable database) as one readable line each.
      StringBuilder message = new StringBuilder("parley: cannot start");
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        message.append("\n  ").append(cause.getMessage());
      }
      System.err.println(message);
      System.exit(1);
    }
  }

  static int run(List<String> args, Environment environment, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.getFirst().equals("help") || args.getFirst().equals("--help")) {
      out.print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    return switch (args.getFirst()) {
      case "up" -> {
        Suite suite = Suite.start(environment, out);
        stopOnSignals(suite);
        Runtime.getRuntime().addShutdownHook(new Thread(suite::close, "parley-stop"));
        try {
          // Serve until the process is stopped.
          Thread.currentThread().join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        yield 0;
      }
      case "keys" -> keys(args.subList(1, args.size()), environment, out, err);
      case "knowledge" -> knowledge(args.subList(1, args.size()), environment, out, err);
      case "eval" -> {
        try {
          yield ClusterEval.run(args.subList(1, args.size()), out, err);
        } catch (IOException | IllegalArgumentException e) {
          err.println("parley eval: " + e.getMessage());
          yield 2;
        }
      }
      case "bench" -> {
        try {
          yield Benchmark.run(args.subList(1, args.size()), out);
        } catch (Exception e) {
          err.println("parley: benchmark failed: " + e.getMessage());
          yield 1;
        }
      }
      default -> {
        err.println("parley: unknown command '" + args.getFirst() + "'");
        err.print(USAGE);
        yield 2;
      }
    };
  }

  /**
   * SIGTERM and SIGINT stop the suite in its phases (the gateway drains, then the services, then
   * the embedded PostgreSQL), and only then end the JVM. Left to shutdown hooks, which the JVM runs
   * all at once, the embedded PostgreSQL library's own hook would stop the database while requests
   * in flight still need it.
   */
  private static void stopOnSignals(Suite suite) {
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(
          new Signal(name),
          signal ->
              Thread.ofPlatform()
                  .name("parley-stop-" + name)
                  .start(
                      () -> {
                        suite.close();
                        System.exit(128 + signal.getNumber());
                      }));
    }
  }

  /**
   * {@code knowledge add}: through the running conversation-service, with a key made for the import
   * (scope knowledge:write) and revoked after it.
   */
  private static int knowledge(
      List<String> args, Environment environment, PrintStream out, PrintStream err) {
    String tenant = option(args, "--tenant");
    List<String> files = new ArrayList<>(args);
    int flag = files.indexOf("--tenant");
    if (flag >= 0) {
      files.subList(flag, Math.min(files.size(), flag + 2)).clear();
    }
    if (files.isEmpty() || !files.getFirst().equals("add") || tenant == null || files.size() < 2) {
      err.println("parley: knowledge add needs --tenant and at least one file or folder");
      return 2;
    }
    try (OwnerDatabase database = OwnerDatabase.open(environment)) {
      ApiKeyAdministration keys = new ApiKeyAdministration(Database.dsl(database.dataSource()));
      ApiKeyAdministration.CreatedKey key =
          keys.create(tenant, Set.of("knowledge:write"), "parley knowledge add");
      ManagedChannel channel =
          ManagedChannelBuilder.forTarget(environment.get(Setting.CONVERSATION_TARGET))
              .usePlaintext()
              .build();
      try {
        int failed =
            new KnowledgeImport(channel, key.secret(), out)
                .add(files.subList(1, files.size()).stream().map(Path::of).toList());
        return failed == 0 ? 0 : 1;
      } finally {
        channel.shutdownNow();
        keys.revoke(key.keyId());
      }
    } catch (ParleyException e) {
      err.println("parley: " + e.getMessage());
      return 1;
    }
  }

  private static int keys(
      List<String> args, Environment environment, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.print(USAGE);
      return 2;
    }
    try (OwnerDatabase database = OwnerDatabase.open(environment)) {
      ApiKeyAdministration keys = new ApiKeyAdministration(Database.dsl(database.dataSource()));
      switch (args.getFirst()) {
        case "create" -> {
          String tenant = option(args, "--tenant");
          String scopes = option(args, "--scopes");
          if (tenant == null || scopes == null) {
            err.println("parley: keys create needs --tenant and --scopes");
            return 2;
          }
          Set<String> parsed = Scopes.parse(scopes);
          ApiKeyAdministration.CreatedKey key =
              keys.create(tenant, parsed, option(args, "--description"));
          out.println(
              "Created API key %s for tenant %s with scopes %s."
                  .formatted(key.keyId(), key.tenantId(), Scopes.format(key.scopes())));
          out.println(
              "It is shown only this once; store it now. Revoke it with: parley keys revoke "
                  + key.keyId());
          out.println(key.secret());
          return 0;
        }
        case "revoke" -> {
          if (args.size() != 2) {
            err.println("parley: keys revoke takes one key id");
            return 2;
          }
          keys.revoke(args.get(1));
          out.println(
              "Revoked "
                  + args.get(1)
                  + "; services refuse it within "
                  + environment.get(Setting.KEY_CACHE_SECONDS)
                  + " s.");
          return 0;
        }
        default -> {
          err.println("parley: unknown keys command '" + args.getFirst() + "'");
          return 2;
        }
      }
    } catch (ParleyException e) {
      err.println("parley: " + e.getMessage());
      return 1;
    }
  }

  private static String option(List<String> args, String name) {
    int index = args.indexOf(name);
    if (index < 0 || index + 1 >= args.size()) {
      return null;
    }
    return args.get(index + 1);
  }

  /** The suite in one JVM: database, the three services, the gateway. */
  static final class Suite implements AutoCloseable {
    private final EmbeddedPostgresServer embedded;
    private final List<ParleyService> services;
    private final Gateway gateway;
    private final DatabaseConfig database;
    private final Management management;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Suite(
        EmbeddedPostgresServer embedded,
        List<ParleyService> services,
        Gateway gateway,
        DatabaseConfig database,
        Management management) {
      this.embedded = embedded;
      this.services = services;
      this.gateway = gateway;
      this.database = database;
      this.management = management;
    }

    /**
     * Settings of a throw-away suite (the benchmark, tests): loopback, free ports for the gateway,
     * the services and the operations port, no rate limits.
     */
    static Map<String, String> throwAwaySettings() {
      return Map.of(
          "PARLEY_BIND_HOST", "127.0.0.1",
          "PARLEY_GATEWAY_PORT", "0",
          "PARLEY_MANAGEMENT_PORT", "0",
          "PARLEY_RATE_LIMIT_PER_SECOND", "0",
          "PARLEY_CONVERSATION_PORT", "0",
          "PARLEY_TICKET_PORT", "0",
          "PARLEY_ANALYTICS_PORT", "0");
    }

    /** The throw-away settings with more of one's own. */
    static Map<String, String> throwAwaySettings(Map<String, String> more) {
      Map<String, String> settings = new java.util.HashMap<>(throwAwaySettings());
      settings.putAll(more);
      return settings;
    }

    /** Starts on the configured database, or on the embedded one when none is configured. */
    static Suite start(Environment environment, PrintStream out) {
      if (environment.find(Setting.DATABASE_URL).isPresent()) {
        return start(environment, DatabaseConfig.fromEnvironment(environment), null, out);
      }
      Path dataDirectory = Path.of(environment.get(Setting.DATA_DIR)).toAbsolutePath();
      FileLock lock = EmbeddedDatabase.tryLock(dataDirectory);
      if (lock == null) {
        throw new ConfigurationException(
            "Parley is already running on " + dataDirectory + " (its lock is held)");
      }
      EmbeddedPostgresServer embedded;
      try {
        embedded =
            EmbeddedPostgresServer.startPersistent(
                EmbeddedDatabase.postgresDirectory(dataDirectory),
                environment.getInt(Setting.EMBEDDED_DATABASE_PORT, 1, 65535));
      } catch (RuntimeException e) {
        EmbeddedDatabase.release(lock);
        throw e;
      }
      // The lock lives as long as the process: the JVM releases it on exit.
      out.println(
          "Embedded PostgreSQL on 127.0.0.1:" + embedded.port() + ", data in " + dataDirectory);
      DatabaseConfig database =
          EmbeddedDatabase.config(
              embedded, dataDirectory, environment.getInt(Setting.DATABASE_POOL_SIZE, 1, 1000));
      return start(environment, database, embedded, out);
    }

    /**
     * Starts the three services on the database in phases (each migrated and wired, then listening,
     * then told where the others listen, then running its background work), then the gateway in
     * front of them; ports come from the environment (0 picks free ones). The embedded server, if
     * any, is closed with the suite.
     */
    static Suite start(
        Environment environment,
        DatabaseConfig database,
        EmbeddedPostgresServer embedded,
        PrintStream out) {
      List<ParleyService> services = new ArrayList<>();
      // One operations port for the suite, serving before the first migration starts.
      Management management =
          new Management(Tracing.fromEnvironment(environment, "parley"))
              .serve(
                  environment.get(Setting.BIND_HOST),
                  environment.getInt(Setting.MANAGEMENT_PORT, 0, 65535));
      try {
        Map<Backend, String> targets = new EnumMap<>(Backend.class);
        // One secret for the services' internal calls: the configured one, or a new one per run.
        String internalToken =
            environment
                .find(Setting.INTERNAL_TOKEN)
                .filter(token -> !token.isBlank())
                .orElseGet(ServerConfig::newInternalToken);
        for (ServiceDefinition definition :
            List.of(
                ConversationServer.DEFINITION,
                TicketServer.DEFINITION,
                AnalyticsServer.DEFINITION)) {
          ParleyService service =
              ParleyService.create(
                      definition,
                      environment,
                      database,
                      ServerConfig.fromEnvironment(environment, definition.portSetting())
                          .withInternalToken(internalToken),
                      management)
                  .listen();
          services.add(service);
          // The gateway and the other services are in this JVM: they call in-process. The port
          // serves the native gRPC API to clients outside.
          targets.put(definition.backend(), service.inProcessTarget());
          out.println(definition.name() + " gRPC on :" + service.port());
        }
        // Each service reaches the others where they actually listen, before it calls any.
        for (ParleyService service : services) {
          PeerChannels peers = service.instance(PeerChannels.class);
          targets.forEach(peers::target);
        }
        services.forEach(ParleyService::run);
        Gateway gateway =
            Gateway.start(
                GatewayConfig.fromEnvironment(environment).withTargets(targets), management);
        out.println(
            """
            Parley is up. REST gateway: http://localhost:%d
              /inkeep        Inkeep Analytics
              /gitbook/v1    GitBook
              /bedrock       Bedrock Chat
              /alli/webapi   Alli
              /posthog/api   PostHog (AI conversations, tickets)
            Create an API key:  ./parley keys create --tenant my-team --scopes '*'
            Then:  curl -H "Authorization: Bearer <key>" http://localhost:%d/inkeep/conversations"""
                .formatted(gateway.port(), gateway.port()));
        out.println("Health and metrics: http://localhost:" + management.port() + "/readyz");
        return new Suite(embedded, services, gateway, database, management);
      } catch (RuntimeException e) {
        services.reversed().forEach(ParleyService::close);
        management.close();
        if (embedded != null) {
          embedded.close();
        }
        throw e;
      }
    }

    List<ParleyService> services() {
      return services;
    }

    DatabaseConfig database() {
      return database;
    }

    int gatewayPort() {
      return gateway.port();
    }

    int managementPort() {
      return management.port();
    }

    /** Stops the gateway (draining its requests), the services, then the embedded server. Once. */
    @Override
    public void close() {
      if (closed.getAndSet(true)) {
        return;
      }
      gateway.close();
      services.reversed().forEach(ParleyService::close);
      if (embedded != null) {
        embedded.close();
      }
      management.close();
    }
  }

  /**
   * The owner's connection for the key commands: the configured server, or the embedded one —
   * reached on its port while {@code parley up} runs, started on the data folder otherwise.
   */
  private record OwnerDatabase(
      HikariDataSource dataSource, EmbeddedPostgresServer embedded, FileLock lock)
      implements AutoCloseable {
    static OwnerDatabase open(Environment environment) {
      if (environment.find(Setting.DATABASE_URL).isPresent()) {
        DatabaseConfig config = DatabaseConfig.fromEnvironment(environment);
        new SchemaMigrator(config).migrateIdentity();
        return new OwnerDatabase(Database.ownerPool(config, "parley-keys"), null, null);
      }
      Path dataDirectory = Path.of(environment.get(Setting.DATA_DIR)).toAbsolutePath();
      int port = environment.getInt(Setting.EMBEDDED_DATABASE_PORT, 1, 65535);
      EmbeddedPostgresServer started = null;
      FileLock lock = listening(port) ? null : EmbeddedDatabase.tryLock(dataDirectory);
      DatabaseConfig config;
      if (lock == null) {
        // `parley up` runs (or is starting) on this folder: use its server.
        awaitListening(port);
        config =
            new DatabaseConfig(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedDatabase.DATABASE,
                EmbeddedPostgresServer.OWNER,
                "",
                "parley_app",
                "unused",
                1);
      } else {
        try {
          started =
              EmbeddedPostgresServer.startPersistent(
                  EmbeddedDatabase.postgresDirectory(dataDirectory), port);
        } finally {
          if (started == null) {
            EmbeddedDatabase.release(lock);
          }
        }
        config = EmbeddedDatabase.config(started, dataDirectory, 1);
        new SchemaMigrator(config).migrateIdentity();
      }
      return new OwnerDatabase(Database.ownerPool(config, "parley-keys"), started, lock);
    }

    private static void awaitListening(int port) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!listening(port)) {
        if (System.nanoTime() > deadline) {
          throw new ConfigurationException(
              "The embedded PostgreSQL of the running Parley does not answer on port " + port);
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }

    private static boolean listening(int port) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() {
      dataSource.close();
      if (embedded != null) {
        embedded.close();
      }
      if (lock != null) {
        EmbeddedDatabase.release(lock);
      }
    }
  }
}
