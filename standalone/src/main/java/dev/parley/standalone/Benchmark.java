package dev.parley.standalone;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.analytics.domain.IssueClusterRefresh;
import dev.parley.analytics.domain.IssueClustering;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.EmbeddedPostgresServer;
import dev.parley.platform.embedding.SentenceEmbedder;
import dev.parley.platform.identity.ApiKeyAdministration;
import dev.parley.platform.identity.Scopes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code parley bench}: starts the suite on a throw-away embedded PostgreSQL (free ports, nothing
 * kept) and measures REST calls through the gateway from concurrent clients on this machine. Prints
 * a Markdown table: requests, throughput, latency percentiles.
 */
final class Benchmark {
  private record Options(int requests, int concurrency, int messages, int rate) {}

  /**
   * A row: its requests, how long they took, each one's latency and the CPU time used meanwhile;
   * {@code baseline} is the same work done by PostgreSQL alone in the same run, when there is one.
   */
  private record Result(
      String name,
      int requests,
      double seconds,
      long[] latenciesNanos,
      CpuTime cpu,
      Result baseline) {
    Result(String name, int requests, ClosedLoop.Timing timing) {
      this(name, requests, timing.seconds(), timing.latenciesNanos(), timing.cpu(), null);
    }

    double throughput() {
      return requests / seconds;
    }

    Result against(Result raw) {
      return new Result(name, requests, seconds, latenciesNanos, cpu, raw);
    }

    /** CPU milliseconds per request, or blank where it was not measured. */
    String cpuPerRequest(long nanos) {
      return cpu == null || nanos < 0 ? "" : "%.2f".formatted(nanos / 1e6 / requests);
    }
  }

  /**
   * The rows to measure ({@code --only REGEX} on their names; all when unset). Set once per run,
   * before any row. Rows that write what later rows read run whatever the filter, unprinted.
   */
  private static Pattern only;

  private static final int CASES = 200;

  private Benchmark() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    Options options =
        new Options(
            intOption(args, "--requests", 2000),
            intOption(args, "--concurrency", 8),
            intOption(args, "--messages", 10),
            intOption(args, "--rate", 0));
    int onlyIndex = args.indexOf("--only");
    only =
        onlyIndex >= 0 && onlyIndex + 1 < args.size()
            ? Pattern.compile(args.get(onlyIndex + 1))
            : null;
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary();
        Parley.Suite suite =
            Parley.Suite.start(
                Environment.of(settings(System.getenv())),
                postgres.databaseConfig("postgres", "bench-app-password", 16),
                null,
                new PrintStream(OutputStream.nullOutputStream()))) {
      String key;
      try (HikariDataSource owner = Database.ownerPool(suite.database(), "bench")) {
        key =
            new ApiKeyAdministration(Database.dsl(owner))
                .create("bench", Scopes.parse("*"), "bench")
                .secret();
      }
      String base = "http://127.0.0.1:" + suite.gatewayPort() + "/inkeep/conversations";
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String messages = messages(options.messages());
      // Warm-up: JIT, pools and caches.
      measureAlways(
          "warm-up",
          client,
          Math.min(500, options.requests()),
          options.concurrency(),
          i ->
              post(
                  base,
                  key,
                  "{\"id\": \"warm-"
                      + i
                      + "\", \"type\": \"openai\", \"messages\": "
                      + messages
                      + "}"));
      List<Result> results = new ArrayList<>();
      String newRow = "POST /inkeep/conversations (" + options.messages() + " messages, new)";
      Result written =
          measureAlways(
              newRow,
              client,
              options.requests(),
              options.concurrency(),
              i ->
                  post(
                      base,
                      key,
                      "{\"id\": \"bench-"
                          + i
                          + "\", \"type\": \"openai\", \"properties\": {\"plan\": \""
                          + (i % 3 == 0 ? "pro" : "free")
                          + "\"}, \"messages\": "
                          + withCase(messages, i)
                          + "}"));
      // analytics-service follows the writes through the event stream: how far behind is it
      // when the new conversations stop coming.
      long writesEnded = System.nanoTime();
      int conversations = Math.min(500, options.requests()) + options.requests();
      HttpRequest countAll =
          post(
              "http://127.0.0.1:" + suite.gatewayPort() + "/inkeep/query/conversations",
              key,
              "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}]}");
      String counted = "";
      long catchUpDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!(counted = client.send(countAll, HttpResponse.BodyHandlers.ofString()).body())
          .contains("\"count\":" + conversations + "}")) {
        if (System.nanoTime() > catchUpDeadline) {
          throw new IllegalStateException(
              "analytics-service did not count " + conversations + " conversations: " + counted);
        }
        Thread.sleep(20);
      }
      double catchUp = (System.nanoTime() - writesEnded) / 1e9;
      // PostgreSQL alone, the same rows in the same database: the ceiling of that row.
      RawBaseline raw;
      Result rawWrites;
      try (HikariDataSource rawPool =
          Database.ownerPool(suite.database(), "bench-raw", options.concurrency())) {
        raw = RawBaseline.prepare(rawPool, "bench", "bench-0");
        ClosedLoop.Timing timing = raw.writes(rawPool, options.requests(), options.concurrency());
        rawWrites =
            new Result(
                "PostgreSQL alone: the same conversation, messages (one multi-row insert) and"
                    + " outbox rows, one transaction each",
                options.requests(),
                timing);
      }
      if (wanted(newRow)) {
        results.add(written.against(rawWrites));
        results.add(rawWrites);
      }
      String openRow = newRow + ", open loop at " + options.rate() + "/s";
      String openLoop = null;
      if (options.rate() > 0 && wanted(openRow)) {
        openLoop =
            openLoop(
                openRow,
                client,
                options.rate(),
                options.requests(),
                i ->
                    post(
                        base,
                        key,
                        "{\"id\": \"bench-open-"
                            + i
                            + "\", \"type\": \"openai\", \"messages\": "
                            + withCase(messages, i)
                            + "}"));
      }
      results.add(
          measure(
              "POST /inkeep/conversations (" + options.messages() + " messages, re-log)",
              client,
              options.requests(),
              options.concurrency(),
              i ->
                  post(
                      base,
                      key,
                      "{\"id\": \"bench-"
                          + i
                          + "\", \"type\": \"openai\", \"properties\": {\"plan\": \""
                          + (i % 3 == 0 ? "pro" : "free")
                          + "\"}, \"messages\": "
                          + withCase(messages, i)
                          + "}")));
      // Steady state for the reads: statistics as autovacuum would have them by now. Without this
      // the planner still believes the tables hold the few rows they had when first analyzed.
      try (HikariDataSource owner = Database.ownerPool(suite.database(), "bench-analyze");
          var connection = owner.getConnection();
          var statement = connection.createStatement()) {
        statement.execute("ANALYZE");
      }
      Result getOne =
          measure(
              "GET /inkeep/conversations/{id}",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(base + "/bench-" + i, key));
      if (getOne != null) {
        try (HikariDataSource rawPool =
            Database.ownerPool(suite.database(), "bench-raw", options.concurrency())) {
          ClosedLoop.Timing timing = raw.reads(rawPool, options.requests(), options.concurrency());
          Result rawReads =
              new Result(
                  "PostgreSQL alone: one conversation and its messages by key",
                  options.requests(),
                  timing);
          results.add(getOne.against(rawReads));
          results.add(rawReads);
        }
      }
      results.add(
          measure(
              "GET /inkeep/conversations?limit=20",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(base + "?limit=20&offset=" + (i % 100), key)));
      String gateway = "http://127.0.0.1:" + suite.gatewayPort();
      results.add(
          measure(
              "GET /bedrock/conversation/{id} (tree)",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(gateway + "/bedrock/conversation/bench-" + i, key)));
      results.add(
          measure(
              "GET /bedrock/conversations/search (rare word, "
                  + Math.max(1, options.requests() / CASES)
                  + " hits)",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(gateway + "/bedrock/conversations/search?query=case" + (i % CASES), key)));
      results.add(
          measure(
              "GET /bedrock/conversations/search (word in every conversation)",
              client,
              Math.max(1, options.requests() / 10),
              options.concurrency(),
              i -> get(gateway + "/bedrock/conversations/search?query=rotate", key)));
      results.add(
          measure(
              "GET /alli/webapi/v2/conversations (50, by last chat)",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(gateway + "/alli/webapi/v2/conversations", key)));
      results.add(
          measure(
              "GET /posthog/.../conversations/?limit=20",
              client,
              options.requests(),
              options.concurrency(),
              i ->
                  get(
                      gateway
                          + "/posthog/api/environments/@current/conversations/?limit=20&offset="
                          + (i % 100),
                      key)));
      String ticketBase = gateway + "/posthog/api/projects/@current/conversations/tickets/";
      // Tickets for the ticket reads: written when any ticket row is asked for.
      if (java.util.stream.Stream.of(
              "POST /posthog/.../tickets/ (numbered per tenant)",
              "GET /posthog/.../tickets/{number}/ (marks read)",
              "GET /posthog/.../tickets/?status=new,open&limit=20")
          .anyMatch(Benchmark::wanted)) {
        results.add(
            shown(
                measureAlways(
                    "POST /posthog/.../tickets/ (numbered per tenant)",
                    client,
                    options.requests(),
                    options.concurrency(),
                    i ->
                        post(
                            ticketBase,
                            key,
                            "{\"distinct_id\": \"customer-"
                                + (i % 100)
                                + "\", \"priority\": \"medium\", \"tags\": [\"billing\"]}"))));
      }
      results.add(
          measure(
              "GET /posthog/.../tickets/{number}/ (marks read)",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(ticketBase + (1 + i % options.requests()) + "/", key)));
      results.add(
          measure(
              "GET /posthog/.../tickets/?status=new,open&limit=20",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(ticketBase + "?status=new,open&limit=20&offset=" + (i % 100), key)));
      results.add(
          measure(
              "GET /posthog/.../tickets/unread_count/",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(ticketBase + "unread_count/", key)));
      results.add(
          measure(
              "POST /inkeep/query/conversations (count per day and plan)",
              client,
              options.requests(),
              options.concurrency(),
              i ->
                  post(
                      gateway + "/inkeep/query/conversations",
                      key,
                      """
                      {"select": [{"type": "aggregation", "aggregation": "count"},
                                  {"type": "time", "timeUnit": "day"}],
                       "groupBy": [{"field": "properties", "path": ["plan"]}]}
                      """)));
      results.add(
          measure(
              "POST /inkeep/query/conversations (JSON filter and id range)",
              client,
              options.requests(),
              options.concurrency(),
              i ->
                  post(
                      gateway + "/inkeep/query/conversations",
                      key,
                      """
                      {"select": [{"type": "field", "field": "id"},
                                  {"type": "field", "field": "userMessageCount"}],
                       "where": {"and": [
                         {"condition": {"field": "properties", "operator": "jsonContains",
                                        "value": {"plan": "pro"}}},
                         {"condition": {"field": "id", "operator": "gte", "value": "bench-%d"}}]},
                       "orderBy": [{"field": "id", "direction": "asc"}]}
                      """
                          .formatted(i % 1000))));
      results.add(
          measure(
              "POST /inkeep/query/property-values",
              client,
              options.requests(),
              options.concurrency(),
              i ->
                  post(
                      gateway + "/inkeep/query/property-values",
                      key,
                      "{\"field\": \"properties\", \"key\": \"plan\"}")));
      results.add(
          measure(
              "GET /alli/webapi/v2/conversations/daily_count (31 days)",
              client,
              options.requests(),
              options.concurrency(),
              i ->
                  get(
                      gateway
                          + "/alli/webapi/v2/conversations/daily_count?startDate="
                          + LocalDate.now(ZoneOffset.UTC).minusDays(30)
                          + "&endDate="
                          + LocalDate.now(ZoneOffset.UTC),
                      key)));
      results.add(
          measure(
              "GET /gitbook/v1/orgs/{org}/conversations-clusters",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(gateway + "/gitbook/v1/orgs/bench/conversations-clusters", key)));
      results.add(
          measure(
              "GET /gitbook/v1/orgs/{org}/conversations-issues?limit=100",
              client,
              options.requests(),
              options.concurrency(),
              i -> get(gateway + "/gitbook/v1/orgs/bench/conversations-issues?limit=100", key)));
      // The knowledge phase: ingest before and while documents embed, search, assistant runs and
      // streams; skipped when --only asks for none of its rows.
      boolean knowledgePhase =
          java.util.stream.Stream.of(
                  "POST /inkeep/conversations (10 messages, new, no embedding)",
                  "POST /inkeep/conversations (10 messages, new, while passages embed)",
                  "POST /parley/v1/knowledge-documents (3 paragraphs, embedded in the background)",
                  "GET /parley/v1/knowledge-documents:search (passages, hybrid)",
                  "POST /bedrock/conversation (local run, passages, 1 client)",
                  "POST /posthog/.../conversations/ (SSE, local run): first event")
              .anyMatch(Benchmark::wanted);
      double embedding = 0;
      long passages = 0;
      String overlap = "";
      StreamResults sse = null;
      int streams = Math.min(200, options.requests());
      if (knowledgePhase) {
        // Ingest of the same shape just before the documents come: the baseline of the row that
        // writes while they embed.
        int ingestRequests = options.requests();
        results.add(
            measure(
                "POST /inkeep/conversations ("
                    + options.messages()
                    + " messages, new, no embedding)",
                client,
                ingestRequests,
                options.concurrency(),
                i ->
                    post(
                        base,
                        key,
                        "{\"id\": \"bench-before-embedding-"
                            + i
                            + "\", \"type\": \"openai\", \"messages\": "
                            + withCase(messages, i)
                            + "}")));
        // Knowledge: documents of three paragraphs, embedded in the background as they come.
        long addsStarted = System.nanoTime();
        results.add(
            shown(
                measureAlways(
                    "POST /parley/v1/knowledge-documents (3 paragraphs, embedded in the background)",
                    client,
                    options.requests(),
                    options.concurrency(),
                    i ->
                        post(
                            gateway + "/parley/v1/knowledge-documents",
                            key,
                            "{\"title\": \"Guide "
                                + i
                                + "\", \"content\": \""
                                + KNOWLEDGE[i % KNOWLEDGE.length]
                                + " (guide "
                                + i
                                + ")\"}"))));
        try (HikariDataSource owner = Database.ownerPool(suite.database(), "bench-embedding")) {
          // Conversations keep coming while the documents embed: ingest must not slow down. A
          // watcher notes when the last passage is embedded, during the row or after it.
          // The row starts once embedding is under way (its first batches, the model loaded).
          long[] before = embedded(owner);
          while (before[1] < Math.min(before[0], 64)) {
            Thread.sleep(100);
            before = embedded(owner);
          }
          CompletableFuture<long[]> allEmbedded =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      long[] progress = embedded(owner);
                      while (progress[1] < progress[0]) {
                        Thread.sleep(100);
                        progress = embedded(owner);
                      }
                      return new long[] {progress[0], System.nanoTime()};
                    } catch (java.sql.SQLException | InterruptedException e) {
                      throw new IllegalStateException("Cannot follow the embedding", e);
                    }
                  });
          results.add(
              measure(
                  "POST /inkeep/conversations ("
                      + options.messages()
                      + " messages, new, while passages embed)",
                  client,
                  ingestRequests,
                  options.concurrency(),
                  i ->
                      post(
                          base,
                          key,
                          "{\"id\": \"bench-embedding-"
                              + i
                              + "\", \"type\": \"openai\", \"messages\": "
                              + withCase(messages, i)
                              + "}")));
          long[] after = embedded(owner);
          overlap =
              "%d of %d passages were embedded during that row (%d before it, %d after)"
                  .formatted(after[1] - before[1], after[0], before[1], after[1]);
          long[] done = allEmbedded.get();
          passages = done[0];
          embedding = (done[1] - addsStarted) / 1e9;
        }
        int searches = Math.min(200, options.requests());
        results.add(
            measure(
                "GET /parley/v1/knowledge-documents:search (" + passages + " passages, hybrid)",
                client,
                searches,
                options.concurrency(),
                i ->
                    get(
                        gateway
                            + "/parley/v1/knowledge-documents:search?query="
                            + QUESTIONS[i % QUESTIONS.length],
                        key)));
        // Assistant runs: Bedrock chat answered by the local provider over the documents above.
        for (int clients : new int[] {1, options.concurrency()}) {
          int chats = Math.min(clients == 1 ? 50 : 200, options.requests());
          String prefix = "bench-chat-" + clients + "-";
          results.add(
              measure(
                  "POST /bedrock/conversation (local run, "
                      + passages
                      + " passages, "
                      + clients
                      + (clients == 1 ? " client)" : " clients)"),
                  client,
                  chats,
                  clients,
                  i ->
                      post(
                          gateway + "/bedrock/conversation",
                          key,
                          "{\"conversationId\": \""
                              + prefix
                              + i
                              + "\", \"message\": {\"role\": \"user\", \"model\":"
                              + " \"claude-v3-haiku\", \"parentMessageId\": null, \"content\":"
                              + " [{\"contentType\": \"text\", \"body\": \""
                              + QUESTIONS[i % QUESTIONS.length].replace("%20", " ")
                              + "\"}]}}")));
        }
        // PostHog's create/stream: a turn answered by the local provider, read as server-sent
        // events; the first frame's latency and the whole stream's, and the frames per second.
        sse =
            measureStreams(
                "POST /posthog/.../conversations/ (SSE, local run, "
                    + passages
                    + " passages, "
                    + options.concurrency()
                    + " clients)",
                client,
                streams,
                options.concurrency(),
                i ->
                    post(
                        gateway + "/posthog/api/environments/bench/conversations/",
                        key,
                        "{\"content\": \""
                            + QUESTIONS[i % QUESTIONS.length].replace("%20", " ")
                            + "\", \"conversation\": \""
                            + java.util.UUID.randomUUID()
                            + "\", \"trace_id\": \""
                            + java.util.UUID.randomUUID()
                            + "\"}"));
        results.add(shown(sse.firstEvent()));
        results.add(shown(sse.wholeStream()));
      }
      out.printf(
          "%d requests per row, %d concurrent clients, %d cores%n%n",
          options.requests(), options.concurrency(), Runtime.getRuntime().availableProcessors());
      out.println(
          "| operation | requests/s | p50 ms | p95 ms | p99 ms | max ms | of PostgreSQL alone"
              + " | JVM CPU ms/req | PostgreSQL CPU ms/req |");
      out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Result result : results) {
        if (result == null) {
          continue; // not asked for (--only)
        }
        long[] sorted = result.latenciesNanos().clone();
        Arrays.sort(sorted);
        out.printf(
            "| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |%n",
            result.name(),
            result.throughput(),
            percentile(sorted, 0.50),
            percentile(sorted, 0.95),
            percentile(sorted, 0.99),
            sorted[sorted.length - 1] / 1e6,
            result.baseline() == null
                ? ""
                : "%.1f%%".formatted(100 * result.throughput() / result.baseline().throughput()),
            result.cpuPerRequest(result.cpu() == null ? -1 : result.cpu().jvmNanos()),
            result.cpuPerRequest(result.cpu() == null ? -1 : result.cpu().postgresNanos()));
      }
      if (openLoop != null) {
        out.println();
        out.println(openLoop);
      }
      out.printf(
          "%nanalytics-service had applied every new conversation %.2f s after the last one was"
              + " written%n",
          catchUp);
      if (only == null) {
        out.println(clustering());
      }
      if (knowledgePhase) {
        out.printf(
            "knowledge: %d passages added and embedded in %.1f s (%.0f passages/s, adds"
                + " included)%n",
            passages, embedding, passages / embedding);
        out.println("ingest while embedding: " + overlap);
        out.printf(
            "SSE: %d frames over %d streams, %.0f frames/s sustained with %d concurrent"
                + " streams%n",
            sse.frames(),
            streams,
            sse.frames() / sse.wholeStream().seconds(),
            options.concurrency());
      }
    }
    return 0;
  }

  /** Passages of knowledge documents: how many, and how many embedded. */
  private static long[] embedded(HikariDataSource owner) throws java.sql.SQLException {
    try (var connection = owner.getConnection();
        var statement = connection.createStatement();
        var rows =
            statement.executeQuery(
                "SELECT count(*), count(embedding) FROM conversation.knowledge_chunk")) {
      rows.next();
      return new long[] {rows.getLong(1), rows.getLong(2)};
    }
  }

  private static final String[] KNOWLEDGE = {
    "To reset your password, open Settings, then Security, and choose Reset password. A link"
        + " arrives by email within a minute.\\n\\nIf no email arrives, check the spam folder.",
    "Card payments can be declined by your bank. Check the expiry date and the limits set on"
        + " your card.\\n\\nTry again after a few minutes, or use another card.",
    "Parcels ship within one working day and arrive within three.\\n\\nYou can follow a parcel"
        + " from the Orders page.",
    "Invoices are under Billing, one per month, as PDF.\\n\\nAn invoice can be sent to a second"
        + " address set in Billing."
  };

  private static final String[] QUESTIONS = {
    "how%20do%20I%20reset%20my%20password",
    "my%20payment%20did%20not%20go%20through",
    "when%20will%20my%20parcel%20arrive",
    "where%20are%20my%20invoices"
  };

  /**
   * Issue embedding and clustering on their own, as the background work and one tenant's refresh
   * run them: 10,000 short questions on 40 topics (20 things, each broken or asked how-to, in
   * varied words) embedded by the production model on one thread, then clustered: the production
   * window (2,000 issues, best of three) and all 10,000 (once; a window that large would hold a 400
   * MB similarity matrix).
   */
  private static String clustering() {
    String[] things = {
      "password",
      "invoice",
      "API key",
      "webhook",
      "export",
      "dashboard",
      "team invite",
      "subscription",
      "refund",
      "login",
      "search",
      "notification email",
      "mobile app",
      "data import",
      "report",
      "integration with Slack",
      "custom domain",
      "billing address",
      "two-factor code",
      "file upload"
    };
    String[] broken = {
      "My %s is not working since this morning.",
      "The %s fails with an error every time.",
      "Something is wrong with the %s, it keeps failing.",
      "Why does the %s stop working after the update?"
    };
    String[] howTo = {
      "How do I change the %s?",
      "Where can I set up the %s?",
      "Is there a way to configure the %s for my account?",
      "Can you explain how to use the %s?"
    };
    Random random = new Random(42);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      int topic = random.nextInt(40);
      String[] templates = topic % 2 == 0 ? broken : howTo;
      texts.add(
          templates[random.nextInt(templates.length)].formatted(things[topic / 2])
              + (random.nextBoolean() ? "" : " Ticket " + random.nextInt(10_000) + "."));
    }
    SentenceEmbedder embedder = new SentenceEmbedder();
    embedder.embed(texts.subList(0, 32));
    long start = System.nanoTime();
    List<float[]> vectors = embedder.embed(texts);
    double embedSeconds = (System.nanoTime() - start) / 1e9;
    List<IssueClustering.Issue> issues = new ArrayList<>();
    for (int n = 0; n < texts.size(); n++) {
      issues.add(
          new IssueClustering.Issue(
              "iss_" + n, texts.get(n), Instant.ofEpochSecond(n), vectors.get(n)));
    }
    StringBuilder report =
        new StringBuilder(
            "embedding %d issues on one thread: %.1f s (%.0f issues/s)"
                .formatted(issues.size(), embedSeconds, issues.size() / embedSeconds));
    for (int size : new int[] {IssueClusterRefresh.WINDOW, issues.size()}) {
      List<IssueClustering.Issue> window = issues.subList(0, size);
      long best = Long.MAX_VALUE;
      int clusters = 0;
      for (int run = 0; run < (size <= IssueClusterRefresh.WINDOW ? 3 : 1); run++) {
        long began = System.nanoTime();
        clusters = IssueClustering.cluster(window).size();
        best = Math.min(best, System.nanoTime() - began);
      }
      report.append(
          "%nclustering %d issues (40 topics) into %d clusters: %.0f ms"
              .formatted(size, clusters, best / 1e6));
    }
    return report.toString();
  }

  private static boolean wanted(String name) {
    return only == null || only.matcher(name).find();
  }

  /** The row when {@code --only} asks for it, else null (it ran for the rows after it). */
  private static Result shown(Result result) {
    return wanted(result.name()) ? result : null;
  }

  /** A row, or null when {@code --only} leaves it out. */
  private static Result measure(
      String name,
      HttpClient client,
      int requests,
      int concurrency,
      IntFunction<HttpRequest> request)
      throws Exception {
    return wanted(name) ? measureAlways(name, client, requests, concurrency, request) : null;
  }

  /**
   * Requests at a constant arrival rate, whatever the answers' pace (open loop): each latency is
   * counted from when its request was due, not from when a client was free to send it, so a stall
   * shows in every request it delayed (no coordinated omission). Percentiles from HdrHistogram.
   */
  private static String openLoop(
      String name, HttpClient client, int rate, int requests, IntFunction<HttpRequest> request)
      throws Exception {
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    java.util.concurrent.atomic.AtomicInteger failures =
        new java.util.concurrent.atomic.AtomicInteger();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    long start = System.nanoTime();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    for (int i = 0; i < requests; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      sent.add(
          client
              .sendAsync(request.apply(i), HttpResponse.BodyHandlers.discarding())
              .thenAccept(
                  response -> {
                    synchronized (histogram) {
                      histogram.recordValue(
                          Math.min(System.nanoTime() - due, histogram.getHighestTrackableValue()));
                    }
                    if (response.statusCode() / 100 != 2) {
                      failures.incrementAndGet();
                    }
                  }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
    double seconds = (System.nanoTime() - start) / 1e9;
    return "%s: %d requests in %.1f s (%.0f/s achieved), latency from the due time p50 %.1f ms,"
            .formatted(
                name,
                requests,
                seconds,
                requests / seconds,
                histogram.getValueAtPercentile(50) / 1e6)
        + " p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms; %d failed"
            .formatted(
                histogram.getValueAtPercentile(90) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6,
                histogram.getValueAtPercentile(99.9) / 1e6,
                histogram.getMaxValue() / 1e6,
                failures.get());
  }

  /** A row whatever {@code --only} says: later rows read what it writes. */
  private static Result measureAlways(
      String name,
      HttpClient client,
      int requests,
      int concurrency,
      IntFunction<HttpRequest> request)
      throws Exception {
    ClosedLoop.Timing timing =
        ClosedLoop.run(
            requests,
            concurrency,
            i -> {
              HttpResponse<Void> response =
                  client.send(request.apply(i), HttpResponse.BodyHandlers.discarding());
              if (response.statusCode() / 100 != 2) {
                throw new IOException(name + " answered " + response.statusCode());
              }
            });
    return new Result(name, requests, timing);
  }

  /** Streams measured twice: to their first frame, and to their end; and their frame count. */
  private record StreamResults(Result firstEvent, Result wholeStream, long frames) {}

  private static StreamResults measureStreams(
      String name,
      HttpClient client,
      int streams,
      int concurrency,
      IntFunction<HttpRequest> request)
      throws Exception {
    long[] first = new long[streams];
    java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
    ClosedLoop.Timing whole =
        ClosedLoop.run(
            streams,
            concurrency,
            i -> {
              long begin = System.nanoTime();
              HttpResponse<java.util.stream.Stream<String>> response =
                  client.send(request.apply(i), HttpResponse.BodyHandlers.ofLines());
              if (response.statusCode() != 200) {
                throw new IOException(name + " answered " + response.statusCode());
              }
              try (java.util.stream.Stream<String> lines = response.body()) {
                lines
                    .filter(line -> line.startsWith("event:"))
                    .forEach(
                        line -> {
                          if (first[i] == 0) {
                            first[i] = System.nanoTime() - begin;
                          }
                          frames.incrementAndGet();
                        });
              }
            });
    return new StreamResults(
        new Result(name + ": first event", streams, whole.seconds(), first, null, null),
        new Result(name + ": whole stream", streams, whole),
        frames.get());
  }

  private static HttpRequest post(String url, String key, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static HttpRequest get(String url, String key) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + key)
        .GET()
        .build();
  }

  /** The first message of conversation i names one of CASES rare words ("case17"). */
  private static String withCase(String messages, int i) {
    return messages.replaceFirst("Message 0:", "Message 0 case" + (i % CASES) + ":");
  }

  private static String messages(int count) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ", ")
          .append("{\"role\": \"")
          .append(i % 2 == 0 ? "user" : "assistant")
          .append("\", \"content\": \"Message ")
          .append(i)
          .append(": how do I rotate the API key of my project without downtime?\"}");
    }
    return json.append("]").toString();
  }

  private static double percentile(long[] sorted, double fraction) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)] / 1e6;
  }

  /**
   * The suite's settings: free ports on loopback and a pool of 16, with the caller's own {@code
   * PARLEY_*} settings on top (to measure, say, {@code PARLEY_GRPC_THREADS=4}), except where the
   * suite listens and its database, which the benchmark owns.
   */
  static Map<String, String> settings(Map<String, String> environment) {
    Map<String, String> settings = new java.util.HashMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("PARLEY_")
              && !name.startsWith("PARLEY_DATABASE_")
              && !name.endsWith("_PORT")
              && !name.endsWith("_TARGET")
              && !name.equals("PARLEY_BIND_HOST")
              && !name.equals("PARLEY_DATA_DIR")
              && !name.equals("PARLEY_JAVA_OPTS")) {
            settings.put(name, value);
          }
        });
    settings.putAll(Parley.Suite.throwAwaySettings());
    settings.put("PARLEY_DATABASE_POOL_SIZE", "16");
    return settings;
  }

  private static int intOption(List<String> args, String name, int defaultValue) {
    int index = args.indexOf(name);
    return index >= 0 && index + 1 < args.size()
        ? Integer.parseInt(args.get(index + 1))
        : defaultValue;
  }
}
