package dev.parley.analytics.domain;

import dev.parley.analytics.domain.IssueClustering.Cluster;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Issues extracted from conversations and the clusters they form, per tenant. */
public interface IssueStore {
  /** A tenant whose issues changed since its clusters were computed, at the given version. */
  record Refresh(String tenantId, long version) {}

  /** An issue with what the API shows of its conversation. */
  record IssueView(
      String id,
      String title,
      String summary,
      Instant createdAt,
      Instant ingestedAt,
      String clusterId,
      String conversationId,
      String conversationSubject,
      Instant conversationCreatedAt,
      String conversationSource,
      String conversationUrl) {}

  /** A cluster with its figures: 13 weekly issue counts (oldest first), issues per source. */
  record ClusterView(
      String id,
      String label,
      String summary,
      String icon,
      Instant createdAt,
      Instant updatedAt,
      int issues,
      int conversations,
      List<Integer> weeklyPulse,
      Map<String, Integer> sources) {}

  /** How clusters can be listed. */
  enum ClusterOrder {
    UPDATED_AT,
    ISSUES,
    CONVERSATIONS
  }

  /** A slice of a list and the number of items in all slices. */
  record Slice<T>(List<T> items, int total) {}

  /** An issue whose summary has no embedding yet. */
  record PendingIssue(String tenantId, String id, String summary) {}

  List<Refresh> pendingRefreshes();

  /**
   * Issues whose summaries are not embedded yet, tenants in turns (each one's oldest first), so
   * that one tenant's burst does not hold back the others.
   */
  List<PendingIssue> issuesToEmbed(int limit);

  /**
   * Stores each issue's embedding, unless its summary changed meanwhile, and asks for the tenants'
   * clusters to be computed again.
   */
  void saveEmbeddings(List<PendingIssue> issues, List<float[]> embeddings);

  /** The tenant's latest embedded issues (at most {@code limit}), to cluster. */
  List<IssueClustering.Issue> issuesToCluster(String tenantId, int limit);

  /**
   * Replaces the tenant's clusters with these (keeping the creation time of clusters that stay and
   * their update time when nothing about them changed) and assigns the clustered issues; issues
   * among {@code considered} in no cluster lose theirs. Clears the refresh request if it is still
   * at {@code version}.
   */
  void saveClusters(
      String tenantId, long version, List<String> considered, List<Cluster> clusters, Instant now);

  Slice<IssueView> issues(
      String tenantId, String clusterId, String conversationId, int offset, int limit);

  Optional<IssueView> issue(String tenantId, String issueId);

  Slice<ClusterView> clusters(
      String tenantId, ClusterOrder order, boolean ascending, int offset, int limit, Instant now);

  Optional<ClusterView> cluster(String tenantId, String clusterId, Instant now);
}
