package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.eventually;
import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.analytics.v1.AnalyticsServiceGrpc;
import dev.parley.analytics.v1.GetIssueClusterRequest;
import dev.parley.analytics.v1.GetIssueRequest;
import dev.parley.analytics.v1.Issue;
import dev.parley.analytics.v1.IssueCluster;
import dev.parley.analytics.v1.ListIssueClustersRequest;
import dev.parley.analytics.v1.ListIssueClustersResponse;
import dev.parley.analytics.v1.ListIssuesRequest;
import dev.parley.analytics.v1.ListIssuesResponse;
import dev.parley.platform.testing.TestingKeys;
import dev.parley.standalone.TestingParley.Response;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GitBook's conversation issues and clusters: conversations ingested through GitBook (and logged
 * through Inkeep) become issues in analytics-service, and issues about the same thing are
 * clustered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitBookIssuesRestTest {
  private static final String ORG = "gb-issues";
  private static final String BASE = "/gitbook/v1/orgs/" + ORG;

  /** Three themes in different words, two questions alike to nothing, and the days ago of each. */
  private static final List<String[]> CORPUS =
      List.of(
          new String[] {"pw1", "1", "I forgot my password and the reset email never arrives."},
          new String[] {"pw2", "8", "The password reset email is not arriving in my inbox."},
          new String[] {
            "pw3", "15", "Can't log in: resetting the password sends no email to my inbox."
          },
          new String[] {"pw4", "50", "I requested a password reset but never received the email."},
          new String[] {"bill1", "2", "Why was I charged twice on my invoice this month?"},
          new String[] {
            "bill2", "3", "My invoice shows I was charged two times for the same subscription."
          },
          new String[] {
            "bill3", "4", "Please refund the duplicate charge on my credit card invoice."
          },
          new String[] {
            "api1", "5", "The API returns 429 rate limit errors after 100 requests per minute."
          },
          new String[] {
            "api2", "6", "How do I raise the API rate limit? We hit 429 Too Many Requests."
          },
          new String[] {
            "api3", "7", "Rate limit on the search API endpoint is too low, requests fail with 429."
          },
          new String[] {"dark", "9", "Does the dashboard support a dark mode theme?"},
          new String[] {"csv", "10", "Can I export my contacts to a spreadsheet file?"});

  private TestingParley parley;
  private String ingestKey;
  private String source;
  private String readKey;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeAll
  void ingestTheCorpus() {
    parley = TestingParley.get();
    var key = TestingKeys.createKey(parley.database(), ORG, "conversations:ingest");
    ingestKey = key.secret();
    source = "integration:gitbook:" + key.keyId();
    readKey = parley.key(ORG, "conversation:read");
    List<String> inputs = new ArrayList<>();
    for (String[] item : CORPUS) {
      inputs.add(input(item[0], Integer.parseInt(item[1]), item[2]));
    }
    Response ingested =
        parley.send(
            "POST", BASE + "/conversations", ingestKey, "[" + String.join(",", inputs) + "]");
    assertThat(ingested.status()).as(ingested.body()).isEqualTo(204);
  }

  private String input(String id, int daysAgo, String body) {
    return """
        {"id": "%s", "metadata": {"createdAt": "%s"},
         "parts": [{"type": "message", "role": "user", "body": "%s"},
                   {"type": "message", "role": "assistant", "body": "Let me look into this."}]}
        """
        .formatted(id, now.minus(Duration.ofDays(daysAgo)), body);
  }

  private JsonNode get(String path) {
    Response response = parley.send("GET", path, readKey, null);
    assertThat(response.status()).as(path + " " + response.body()).isEqualTo(200);
    assertThat(response.header("content-type")).startsWith("application/json");
    return response.json();
  }

  /** The clusters once all twelve issues are in and the ten alike ones are clustered. */
  private JsonNode clusters() {
    return clusters(BASE, readKey);
  }

  private JsonNode clusters(String base, String key) {
    eventually(
        () -> parley.send("GET", base + "/conversations-issues?limit=0", key, null).json(),
        page -> page.path("count").asInt() == 12);
    return eventually(
        () -> parley.send("GET", base + "/conversations-clusters?orderBy=issues", key, null).json(),
        page -> {
          int clustered = 0;
          for (JsonNode cluster : page.path("items")) {
            clustered += cluster.get("stats").get("issues").asInt();
          }
          return page.path("count").asInt() == 3 && clustered == 10;
        });
  }

  /** Cluster id to the titles (user's first sentences) of its issues. */
  private Map<String, TreeSet<String>> membership() {
    Map<String, TreeSet<String>> members = new TreeMap<>();
    for (JsonNode item : get(BASE + "/conversations-issues?limit=1000").get("items")) {
      JsonNode cluster = item.get("issue").get("cluster");
      if (cluster != null) {
        members
            .computeIfAbsent(cluster.asText(), k -> new TreeSet<>())
            .add(item.get("issue").get("title").asText());
      }
    }
    return members;
  }

  private static String title(String id) {
    String text = CORPUS.stream().filter(item -> item[0].equals(id)).findFirst().orElseThrow()[2];
    int end = text.indexOf(". ");
    int question = text.indexOf("? ");
    if (question >= 0 && (end < 0 || question < end)) {
      end = question;
    }
    return end < 0 ? text : text.substring(0, end + 1);
  }

  private static TreeSet<String> titles(String... ids) {
    TreeSet<String> titles = new TreeSet<>();
    for (String id : ids) {
      titles.add(title(id));
    }
    return titles;
  }

  @Test
  void relatedConversationsLandInOneClusterAndUnrelatedOnesInNone() {
    JsonNode page = clusters();

    assertThat(page.get("items")).hasSize(3);
    assertThat(membership().values())
        .containsExactlyInAnyOrder(
            titles("pw1", "pw2", "pw3", "pw4"),
            titles("bill1", "bill2", "bill3"),
            titles("api1", "api2", "api3"));
    JsonNode all = get(BASE + "/conversations-issues?limit=1000");
    assertThat(all.get("count").asInt()).isEqualTo(12);
    List<String> unclustered = new ArrayList<>();
    all.get("items")
        .forEach(
            item -> {
              if (!item.get("issue").has("cluster")) {
                unclustered.add(item.get("issue").get("title").asText());
              }
            });
    assertThat(unclustered).containsExactlyInAnyOrder(title("dark"), title("csv"));
  }

  @Test
  void inkeepsSemanticThreadsAreTheIssuesWithTheirClusters() {
    clusters();
    String threads =
        """
        {"select": [{"type": "field", "field": "question"}, {"type": "field", "field": "subject"},
                    {"type": "field", "field": "hasNegativeFeedback"},
                    {"type": "field", "field": "sentiment"}],
         "where": {"condition": {"field": "subject", "operator": "isNotNull"}},
         "orderBy": [{"field": "firstMessageTime", "direction": "desc"}]}
        """;
    JsonNode answer =
        parley.send("POST", "/inkeep/query/semantic-threads", readKey, threads).json();

    assertThat(answer.get("status").asText()).isEqualTo("ok");
    assertThat(answer.at("/data/total").asInt()).isEqualTo(10);
    assertThat(answer.at("/data/result/0"))
        .isEqualTo(
            json(
                """
                {"question": "I forgot my password and the reset email never arrives.",
                 "subject": "Password reset email", "hasNegativeFeedback": false,
                 "sentiment": null}
                """));
    List<String> subjects = new ArrayList<>();
    answer.at("/data/result").forEach(row -> subjects.add(row.get("subject").asText()));
    assertThat(new TreeSet<>(subjects))
        .containsExactly("Api rate limit", "Invoice charged month", "Password reset email");
    String csv =
        parley
            .send(
                "POST",
                "/inkeep/query/semantic-threads/export",
                readKey,
                "{\"select\": [{\"type\": \"field\", \"field\": \"question\"}],"
                    + " \"where\": {\"condition\": {\"field\": \"subject\","
                    + " \"operator\": \"eq\", \"value\": \"Api rate limit\"}},"
                    + " \"orderBy\": [{\"field\": \"question\", \"direction\": \"asc\"}]}")
            .body();
    assertThat(csv)
        .isEqualTo(
            "question\n"
                + "\"How do I raise the API rate limit? We hit 429 Too Many Requests.\"\n"
                + "\"Rate limit on the search API endpoint is too low, requests fail with 429.\"\n"
                + "\"The API returns 429 rate limit errors after 100 requests per minute.\"\n");
  }

  @Test
  void theSameCorpusIsCountedPerDayAndQueryable() {
    clusters();
    String key = parley.key(ORG, "conversation:read");
    // Days ago of the twelve conversations: 1, 2, ..., 10, 15 and 50.
    LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
    JsonNode days =
        parley
            .send(
                "GET",
                "/alli/webapi/v2/conversations/daily_count?startDate="
                    + today.minusDays(10)
                    + "&endDate="
                    + today,
                key,
                null)
            .json()
            .get("result");
    List<Integer> counts = new ArrayList<>();
    days.forEach(day -> counts.add(day.get("count").asInt()));
    assertThat(counts).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0);

    JsonNode byWeek =
        parley
            .send(
                "POST",
                "/inkeep/query/conversations",
                key,
                """
                {"select": [{"type": "aggregation", "aggregation": "count"},
                            {"type": "aggregation", "aggregation": "sum", "field": "userMessageCount"}],
                 "where": {"condition": {"field": "firstMessageTime", "operator": "gte",
                                         "value": "%s"}}}
                """
                    .formatted(now.minus(Duration.ofDays(20))))
            .json();
    assertThat(byWeek.at("/data/result/0"))
        .isEqualTo(json("{\"count\": 11, \"sum_userMessageCount\": 11}"));
  }

  @Test
  void aClusterHasEveryFieldOfConversationsIssuesCluster() {
    clusters();
    String passwordCluster = null;
    for (var entry : membership().entrySet()) {
      if (entry.getValue().contains(title("pw1"))) {
        passwordCluster = entry.getKey();
      }
    }
    assertThat(passwordCluster).isNotNull();
    JsonNode cluster = get(BASE + "/conversations-clusters/" + passwordCluster);

    // The earliest issue names the cluster: pw4, 50 days ago.
    JsonNode pw4 = issueOf("pw4");
    assertThat(passwordCluster)
        .isEqualTo("cl_" + pw4.get("issue").get("id").asText().substring("iss_".length()));
    String location = parley.baseUrl() + BASE + "/conversations-clusters/" + passwordCluster;
    JsonNode expected =
        json(
            """
            {"object": "issues-cluster", "id": "%s", "label": "Password reset email",
             "createdAt": "%s", "updatedAt": "%s", "icon": "lock",
             "summary": "I forgot my password and the reset email never arrives.",
             "weeklyPulse": [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1],
             "sources": {"%s": 4},
             "stats": {"issues": 4, "conversations": 4, "tasksTotal": 0, "tasksBacklog": 0,
                       "tasksStarted": 0, "tasksCompleted": 0, "tasksCancelled": 0},
             "urls": {"location": "%s", "app": "%s/issues"}}
            """
                .formatted(
                    passwordCluster,
                    cluster.get("createdAt").asText(),
                    cluster.get("updatedAt").asText(),
                    source,
                    location,
                    location));
    assertThat(cluster).isEqualTo(expected);
    assertThat(cluster.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*\\.\\d{3}Z");

    // The same cluster is in the list, and its issues list holds its four issues.
    assertThat(get(BASE + "/conversations-clusters").get("items")).contains(expected);
    JsonNode inCluster = get(location.substring(parley.baseUrl().length()) + "/issues");
    assertThat(inCluster.get("count").asInt()).isEqualTo(4);
    assertThat(get(BASE + "/conversations-issues?cluster=" + passwordCluster).get("count").asInt())
        .isEqualTo(4);
  }

  private JsonNode issueOf(String corpusId) {
    for (JsonNode item : get(BASE + "/conversations-issues?limit=1000").get("items")) {
      if (item.get("issue").get("title").asText().equals(title(corpusId))) {
        return item;
      }
    }
    throw new AssertionError("No issue for " + corpusId);
  }

  @Test
  void anIssueCarriesItsConversation() {
    clusters();
    JsonNode item = issueOf("dark");
    String issueId = item.get("issue").get("id").asText();
    String conversationId = item.get("conversation").get("id").asText();
    String created = now.minus(Duration.ofDays(9)) + "";
    String createdMillis = created.replace("Z", ".000Z");
    JsonNode expected =
        json(
            """
            {"issue": {"object": "conversation-issue", "id": "%s",
                       "title": "Does the dashboard support a dark mode theme?",
                       "summary": "Does the dashboard support a dark mode theme?",
                       "createdAt": "%s", "ingestedAt": "%s", "conversation": "%s",
                       "urls": {"location": "%s"}},
             "conversation": {"object": "conversation", "id": "%s", "createdAt": "%s",
                              "processedAt": "%s", "source": "%s",
                              "urls": {"location": "%s"}}}
            """
                .formatted(
                    issueId,
                    createdMillis,
                    item.get("issue").get("ingestedAt").asText(),
                    conversationId,
                    parley.baseUrl() + BASE + "/conversations-issues/" + issueId,
                    conversationId,
                    createdMillis,
                    item.get("issue").get("ingestedAt").asText(),
                    source,
                    parley.baseUrl() + BASE + "/conversations/" + conversationId));
    assertThat(item).isEqualTo(expected);
    assertThat(get(BASE + "/conversations-issues/" + issueId)).isEqualTo(expected);
    assertThat(get(BASE + "/conversations-issues?conversation=" + conversationId))
        .isEqualTo(json("{\"items\": [%s], \"count\": 1}".formatted(expected)));
  }

  @Test
  void listsPageWithOpaqueCursorsAndOrder() {
    clusters();
    JsonNode first = get(BASE + "/conversations-clusters?limit=2&orderBy=issues&order=asc");
    assertThat(first.get("count").asInt()).isEqualTo(3);
    assertThat(first.get("items")).hasSize(2);
    JsonNode second =
        get(
            BASE
                + "/conversations-clusters?limit=2&orderBy=issues&order=asc&page="
                + first.get("next").get("page").asText());
    assertThat(second.get("items")).hasSize(1);
    assertThat(second.has("next")).isFalse();
    // Ascending by issues: the four-issue cluster comes last.
    assertThat(second.get("items").get(0).get("stats").get("issues").asInt()).isEqualTo(4);
    assertThat(first.get("items").get(0).get("stats").get("issues").asInt()).isEqualTo(3);
    JsonNode descending = get(BASE + "/conversations-clusters?orderBy=conversations");
    assertThat(descending.get("items").get(0).get("stats").get("conversations").asInt())
        .isEqualTo(4);

    List<String> issueIds = new ArrayList<>();
    String path = BASE + "/conversations-issues?limit=5";
    while (path != null) {
      JsonNode page = get(path);
      page.get("items").forEach(item -> issueIds.add(item.get("issue").get("id").asText()));
      path =
          page.has("next")
              ? BASE + "/conversations-issues?limit=5&page=" + page.get("next").get("page").asText()
              : null;
    }
    assertThat(issueIds).hasSize(12).doesNotHaveDuplicates();
    assertThat(get(BASE + "/conversations-clusters?status=pending"))
        .isEqualTo(json("{\"items\": [], \"count\": 0}"));
  }

  @Test
  void refusesWhatItCannotAnswerInGitBooksErrorShape() {
    assertThat(parley.send("GET", BASE + "/conversations-clusters?order=up", readKey, null).json())
        .isEqualTo(
            json("{\"error\": {\"code\": 400, \"message\": \"order: must be asc or desc\"}}"));
    assertThat(
            parley
                .send("GET", BASE + "/conversations-clusters?orderBy=label", readKey, null)
                .status())
        .isEqualTo(400);
    assertThat(
            parley
                .send("GET", BASE + "/conversations-clusters?status=done", readKey, null)
                .status())
        .isEqualTo(400);
    assertThat(
            parley.send("GET", BASE + "/conversations-issues?limit=1001", readKey, null).status())
        .isEqualTo(400);
    assertThat(
            parley.send("GET", BASE + "/conversations-issues?limit=many", readKey, null).status())
        .isEqualTo(400);
    JsonNode firstPage = get(BASE + "/conversations-clusters?limit=1");
    assertThat(
            parley
                .send(
                    "GET",
                    BASE
                        + "/conversations-issues?page="
                        + firstPage.get("next").get("page").asText(),
                    readKey,
                    null)
                .json())
        .isEqualTo(
            json(
                "{\"error\": {\"code\": 400, \"message\": \"page: is not a page token of this list\"}}"));
    assertThat(parley.send("GET", BASE + "/conversations-clusters/cl_nope", readKey, null).json())
        .isEqualTo(
            json("{\"error\": {\"code\": 404, \"message\": \"Cluster cl_nope not found\"}}"));
    assertThat(parley.send("GET", BASE + "/conversations-issues/iss_nope", readKey, null).status())
        .isEqualTo(404);
    assertThat(
            parley
                .send("GET", BASE + "/conversations-clusters/cl_nope/issues", readKey, null)
                .status())
        .isEqualTo(404);
    // The ingest-only key cannot read.
    assertThat(parley.send("GET", BASE + "/conversations-clusters", ingestKey, null).status())
        .isEqualTo(403);
  }

  @Test
  void anotherTenantSeesNothingOfThem() {
    JsonNode page = clusters();
    String clusterId = page.get("items").get(0).get("id").asText();
    String issueId = issueOf("dark").get("issue").get("id").asText();
    String other = parley.key("gb-issues-other", "conversation:read");
    String otherBase = "/gitbook/v1/orgs/gb-issues-other";

    assertThat(parley.send("GET", otherBase + "/conversations-clusters", other, null).json())
        .isEqualTo(json("{\"items\": [], \"count\": 0}"));
    assertThat(parley.send("GET", otherBase + "/conversations-issues", other, null).json())
        .isEqualTo(json("{\"items\": [], \"count\": 0}"));
    for (String path :
        List.of(
            otherBase + "/conversations-clusters/" + clusterId,
            otherBase + "/conversations-clusters/" + clusterId + "/issues",
            otherBase + "/conversations-issues/" + issueId,
            BASE + "/conversations-clusters",
            BASE + "/conversations-clusters/" + clusterId,
            BASE + "/conversations-clusters/" + clusterId + "/issues",
            BASE + "/conversations-issues",
            BASE + "/conversations-issues/" + issueId)) {
      Response response = parley.send("GET", path, other, null);
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).doesNotContain("password");
    }
    assertThat(
            parley
                .send("GET", otherBase + "/conversations-issues?cluster=" + clusterId, other, null)
                .json()
                .get("count")
                .asInt())
        .isZero();
  }

  @Test
  void clustersFollowNewAndDeletedConversations() {
    // A separate tenant, so that the other tests see a fixed corpus.
    String org = "gb-issues-live";
    String base = "/gitbook/v1/orgs/" + org;
    String ingest = TestingKeys.createKey(parley.database(), org, "conversations:ingest").secret();
    String inkeep = parley.key(org, "conversation:read,conversation:write");
    List<String> inputs = new ArrayList<>();
    for (String[] item : CORPUS) {
      inputs.add(input(item[0], Integer.parseInt(item[1]), item[2]));
    }
    assertThat(
            parley
                .send("POST", base + "/conversations", ingest, "[" + String.join(",", inputs) + "]")
                .status())
        .isEqualTo(204);
    JsonNode before =
        eventually(
            () ->
                parley
                    .send("GET", base + "/conversations-clusters?orderBy=issues", inkeep, null)
                    .json(),
            page -> page.get("count").asInt() == 3);
    assertThat(before.get("count").asInt()).isEqualTo(3);
    JsonNode passwords = before.get("items").get(0);
    assertThat(passwords.get("stats").get("issues").asInt()).isEqualTo(4);

    // A fifth password question, logged through Inkeep, joins the password cluster.
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    inkeep,
                    """
                    {"id": "pw5", "type": "openai", "messages": [{"role": "user",
                     "content": "My password reset email is missing, please resend it."}]}
                    """)
                .status())
        .isEqualTo(200);
    String passwordPath = base + "/conversations-clusters/" + passwords.get("id").asText();
    JsonNode grown =
        eventually(
            () -> parley.send("GET", passwordPath, inkeep, null).json(),
            cluster -> cluster.get("stats").get("issues").asInt() == 5);
    assertThat(grown.get("stats").get("issues").asInt()).isEqualTo(5);
    assertThat(grown.get("sources").size()).isEqualTo(2);
    assertThat(Instant.parse(grown.get("updatedAt").asText()))
        .isAfterOrEqualTo(Instant.parse(passwords.get("updatedAt").asText()));
    assertThat(grown.get("createdAt")).isEqualTo(passwords.get("createdAt"));
    assertThat(grown.get("weeklyPulse")).hasSize(13);

    // Deleted, it leaves again.
    assertThat(parley.send("DELETE", "/inkeep/conversations/pw5", inkeep, null).status())
        .isEqualTo(200);
    JsonNode shrunk =
        eventually(
            () -> parley.send("GET", passwordPath, inkeep, null).json(),
            cluster -> cluster.get("stats").get("issues").asInt() == 4);
    assertThat(shrunk.get("stats").get("issues").asInt()).isEqualTo(4);
  }

  @Test
  void theNativeApiAnswersTheSame() {
    JsonNode page = clusters();
    AnalyticsServiceGrpc.AnalyticsServiceBlockingStub stub =
        TestingParley.withKey(AnalyticsServiceGrpc.newBlockingStub(parley.grpc()), readKey);

    ListIssueClustersResponse clusters =
        stub.listIssueClusters(
            ListIssueClustersRequest.newBuilder().setOrderBy("issue_count desc").build());
    assertThat(clusters.getTotalSize()).isEqualTo(3);
    assertThat(clusters.getClustersList())
        .extracting(IssueCluster::getId)
        .containsExactlyElementsOf(page.get("items").findValuesAsText("id"));
    IssueCluster first = clusters.getClusters(0);
    JsonNode rest = page.get("items").get(0);
    assertThat(first.getLabel()).isEqualTo(rest.get("label").asText());
    assertThat(first.getIssueCount()).isEqualTo(4);
    assertThat(first.getWeeklyPulseList()).hasSize(13);
    assertThat(
            stub.getIssueCluster(GetIssueClusterRequest.newBuilder().setId(first.getId()).build()))
        .isEqualTo(first);

    ListIssuesResponse issues =
        stub.listIssues(ListIssuesRequest.newBuilder().setClusterId(first.getId()).build());
    assertThat(issues.getTotalSize()).isEqualTo(4);
    Issue issue = issues.getIssues(0);
    assertThat(issue.getClusterId()).isEqualTo(first.getId());
    assertThat(stub.getIssue(GetIssueRequest.newBuilder().setId(issue.getId()).build()))
        .isEqualTo(issue);

    AnalyticsServiceGrpc.AnalyticsServiceBlockingStub other =
        TestingParley.withKey(
            AnalyticsServiceGrpc.newBlockingStub(parley.grpc()),
            parley.key("gb-issues-native-other", "conversation:read"));
    assertThat(other.listIssues(ListIssuesRequest.getDefaultInstance()).getTotalSize()).isZero();
    assertThatThrownBy(
            () -> other.getIssue(GetIssueRequest.newBuilder().setId(issue.getId()).build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith("NOT_FOUND");
    assertThatThrownBy(
            () ->
                other.getIssueCluster(
                    GetIssueClusterRequest.newBuilder().setId(first.getId()).build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith("NOT_FOUND");
  }
}
