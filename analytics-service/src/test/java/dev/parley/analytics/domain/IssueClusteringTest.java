package dev.parley.analytics.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.analytics.domain.IssueClustering.Cluster;
import dev.parley.analytics.domain.IssueClustering.Issue;
import dev.parley.platform.embedding.SentenceEmbedder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IssueClusteringTest {
  /** Three themes said in different words, and two questions alike to nothing else. */
  static final Map<String, String> CORPUS =
      Map.ofEntries(
          Map.entry("pw1", "I forgot my password and the reset email never arrives."),
          Map.entry("pw2", "The password reset email is not arriving in my inbox."),
          Map.entry("pw3", "Can't log in: resetting the password sends no email to my inbox."),
          Map.entry("pw4", "I requested a password reset but never received the email."),
          Map.entry("bill1", "Why was I charged twice on my invoice this month?"),
          Map.entry("bill2", "My invoice shows I was charged two times for the same subscription."),
          Map.entry("bill3", "Please refund the duplicate charge on my credit card invoice."),
          Map.entry("api1", "The API returns 429 rate limit errors after 100 requests per minute."),
          Map.entry("api2", "How do I raise the API rate limit? We hit 429 Too Many Requests."),
          Map.entry(
              "api3", "Rate limit on the search API endpoint is too low, requests fail with 429."),
          Map.entry("dark", "Does the dashboard support a dark mode theme?"),
          Map.entry("csv", "Can I export my contacts to a spreadsheet file?"));

  /** The production model, in-process. */
  static final SentenceEmbedder EMBEDDER = new SentenceEmbedder();

  static List<Issue> issues(List<String> ids) {
    return issues(ids, CORPUS);
  }

  static List<Issue> issues(List<String> ids, Map<String, String> corpus) {
    List<float[]> embeddings = EMBEDDER.embed(ids.stream().map(corpus::get).toList());
    List<Issue> issues = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      issues.add(
          new Issue(
              ids.get(i),
              corpus.get(ids.get(i)),
              Instant.ofEpochSecond(1000 + i),
              embeddings.get(i)));
    }
    return issues;
  }

  static List<List<String>> groups(List<Cluster> clusters) {
    return clusters.stream()
        .map(Cluster::issues)
        .sorted((a, b) -> a.getFirst().compareTo(b.getFirst()))
        .toList();
  }

  @Test
  void relatedIssuesShareAClusterAndUnrelatedOnesDoNot() {
    List<Cluster> clusters =
        IssueClustering.cluster(issues(CORPUS.keySet().stream().sorted().toList()));

    assertThat(groups(clusters))
        .containsExactly(
            List.of("api1", "api2", "api3"),
            List.of("bill1", "bill2", "bill3"),
            List.of("pw1", "pw2", "pw3", "pw4"));
    Map<String, Cluster> byFirst =
        clusters.stream().collect(Collectors.toMap(c -> c.issues().getFirst(), c -> c));
    assertThat(byFirst.get("pw1").label()).isEqualTo("Password reset email");
    assertThat(byFirst.get("pw1").icon()).isEqualTo("lock");
    assertThat(byFirst.get("bill1").icon()).isEqualTo("credit-card");
    assertThat(byFirst.get("api1").icon()).isEqualTo("code");
    assertThat(byFirst.get("pw1").summary())
        .isEqualTo("I forgot my password and the reset email never arrives.");
  }

  @Test
  void theResultDoesNotDependOnTheOrderIssuesArrivedIn() {
    List<String> ids = new ArrayList<>(CORPUS.keySet().stream().sorted().toList());
    List<Cluster> first = IssueClustering.cluster(issues(ids));
    Collections.shuffle(ids, new Random(7));
    List<Issue> shuffled = issues(ids);
    // Same creation times as the first run, by id, so that ids and labels can be compared.
    List<Issue> sameTimes =
        shuffled.stream()
            .map(
                issue ->
                    new Issue(
                        issue.id(),
                        issue.text(),
                        Instant.ofEpochSecond(
                            1000 + CORPUS.keySet().stream().sorted().toList().indexOf(issue.id())),
                        issue.embedding()))
            .toList();

    assertThat(IssueClustering.cluster(sameTimes)).isEqualTo(first);
  }

  @Test
  void aClusterIsNamedAfterItsEarliestIssue() {
    List<Cluster> clusters = IssueClustering.cluster(issues(List.of("pw3", "pw1", "pw2")));

    assertThat(clusters).hasSize(1);
    assertThat(clusters.getFirst().id()).isEqualTo("cl_pw3");
  }

  @Test
  void questionsAlikeInMeaningButNotInWordsShareAClusterWhereTermsCannotTellThem() {
    Map<String, String> corpus =
        Map.of(
            "sso1", "SSO login through Okta SAML is broken.",
            "sso2", "Single sign-on SAML assertion rejected at login.",
            "sso3", "Our identity provider sign in fails with an invalid SAML response.",
            "inv1", "Why was I charged twice on my invoice this month?",
            "inv2", "The invoice shows a double charge for the Pro plan subscription.");
    List<Issue> issues = issues(List.of("inv1", "inv2", "sso1", "sso2", "sso3"), corpus);

    assertThat(groups(IssueClustering.cluster(issues)))
        .containsExactly(List.of("inv1", "inv2"), List.of("sso1", "sso2", "sso3"));
    assertThat(
            groups(
                IssueClustering.cluster(
                    issues, IssueClustering.Method.TERMS, IssueClustering.TERMS_THRESHOLD)))
        .doesNotContain(List.of("sso1", "sso2", "sso3"));
  }

  @Test
  void anIssueWithoutAnEmbeddingIsAlikeToNothing() {
    List<Issue> issues = new ArrayList<>(issues(List.of("pw1", "pw2", "pw3")));
    Issue first = issues.getFirst();
    issues.set(0, new Issue(first.id(), first.text(), first.createdAt(), new float[384]));

    assertThat(groups(IssueClustering.cluster(issues))).containsExactly(List.of("pw2", "pw3"));
  }

  @Test
  void aClusterWithoutWordsIsLabelledByItsSummary() {
    float[] same = EMBEDDER.embed(List.of("???")).getFirst();
    List<Issue> issues =
        List.of(
            new Issue("sym1", "???", Instant.ofEpochSecond(1), same),
            new Issue("sym2", "?? ??", Instant.ofEpochSecond(2), same));

    assertThat(IssueClustering.cluster(issues))
        .singleElement()
        .satisfies(
            cluster -> {
              assertThat(cluster.issues()).containsExactly("sym1", "sym2");
              assertThat(cluster.label()).isEqualTo("???");
              assertThat(cluster.icon()).isEqualTo("comments");
            });
  }
}
