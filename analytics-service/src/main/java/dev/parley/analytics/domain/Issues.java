package dev.parley.analytics.domain;

import static com.google.common.base.Strings.nullToEmpty;
import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.IssueStore.ClusterOrder;
import dev.parley.analytics.domain.IssueStore.ClusterView;
import dev.parley.analytics.domain.IssueStore.IssueView;
import dev.parley.analytics.domain.IssueStore.Slice;
import dev.parley.platform.error.ParleyException;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;

/** Reads of issues and their clusters, with paging and the checks every front door shares. */
public final class Issues {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  private final IssueStore store;
  private final Clock clock;

  @Inject
  public Issues(IssueStore store, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A page of a list with the token of the next one (null on the last). */
  public record Page<T>(List<T> items, int total, String nextToken) {}

  public Page<IssueView> list(
      String tenantId, String clusterId, String conversationId, String token, Integer limit) {
    String query = "issues|" + nullToEmpty(clusterId) + "|" + nullToEmpty(conversationId);
    int size = limit(limit);
    int offset = OffsetTokens.decode("page", token, query);
    Slice<IssueView> slice = store.issues(tenantId, clusterId, conversationId, offset, size);
    return page(slice, query, offset, size);
  }

  public IssueView get(String tenantId, String issueId) {
    return store
        .issue(tenantId, issueId)
        .orElseThrow(() -> ParleyException.notFound("Issue " + issueId + " not found"));
  }

  /** The issues of a cluster; 404 when the cluster does not exist. */
  public Page<IssueView> listInCluster(
      String tenantId, String clusterId, String token, Integer limit) {
    getCluster(tenantId, clusterId);
    return list(tenantId, clusterId, null, token, limit);
  }

  public Page<ClusterView> clusters(
      String tenantId, ClusterOrder order, boolean ascending, String token, Integer limit) {
    String query = "clusters|" + order + "|" + ascending;
    int size = limit(limit);
    int offset = OffsetTokens.decode("page", token, query);
    Slice<ClusterView> slice =
        store.clusters(tenantId, order, ascending, offset, size, clock.instant());
    return page(slice, query, offset, size);
  }

  public ClusterView getCluster(String tenantId, String clusterId) {
    return store
        .cluster(tenantId, clusterId, clock.instant())
        .orElseThrow(() -> ParleyException.notFound("Cluster " + clusterId + " not found"));
  }

  private static <T> Page<T> page(Slice<T> slice, String query, int offset, int size) {
    int next = offset + slice.items().size();
    return new Page<>(
        slice.items(),
        slice.total(),
        size > 0 && next < slice.total() ? OffsetTokens.encode(query, next) : null);
  }

  private static int limit(Integer limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 0 || limit > MAX_LIMIT) {
      throw ParleyException.invalidArgument("limit", "must be within 0.." + MAX_LIMIT);
    }
    return limit;
  }
}
