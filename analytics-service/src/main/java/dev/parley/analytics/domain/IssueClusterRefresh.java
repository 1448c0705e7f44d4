package dev.parley.analytics.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.runtime.Background;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every tenant's clusters up to date as events arrive: applying an event that changes an
 * issue asks for its tenant to be clustered again (in the event's transaction, so the request
 * survives a crash), and this job clusters each tenant asked for from its latest {@link #WINDOW}
 * issues. A tenant is clustered at most once per round however many events came in; a round starts
 * {@link #PERIOD_MILLIS} ms after the last, or {@link #PACE} times as long as the last one took if
 * that is longer, so that clustering takes at most a fifth of one core while issues keep coming.
 */
public final class IssueClusterRefresh implements Background {
  static final long PERIOD_MILLIS = 300;
  static final int PACE = 4;

  /** The issues clustered per tenant, newest first; older ones keep the cluster they had. */
  public static final int WINDOW = 2000;

  private static final Logger LOG = LoggerFactory.getLogger(IssueClusterRefresh.class);

  private final IssueStore store;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> Thread.ofPlatform().name("issue-clusters").daemon().unstarted(runnable));

  @Inject
  public IssueClusterRefresh(IssueStore store, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public void start() {
    executor.schedule(this::round, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void round() {
    long start = System.nanoTime();
    try {
      for (IssueStore.Refresh refresh : store.pendingRefreshes()) {
        try {
          refresh(refresh);
        } catch (RuntimeException e) {
          // One tenant's failure stays that tenant's: the others are clustered all the same.
          LOG.atWarn()
              .setCause(e)
              .addKeyValue("tenant", refresh.tenantId())
              .log("Clustering a tenant's issues failed; retrying");
        }
      }
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("Finding tenants to cluster failed; retrying");
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    if (!executor.isShutdown()) {
      executor.schedule(
          this::round, Math.max(PERIOD_MILLIS, PACE * tookMillis), TimeUnit.MILLISECONDS);
    }
  }

  private void refresh(IssueStore.Refresh refresh) {
    List<IssueClustering.Issue> issues = store.issuesToCluster(refresh.tenantId(), WINDOW);
    List<IssueClustering.Cluster> clusters = IssueClustering.cluster(issues);
    store.saveClusters(
        refresh.tenantId(),
        refresh.version(),
        issues.stream().map(IssueClustering.Issue::id).toList(),
        clusters,
        clock.instant());
  }

  @Override
  public void stop() {
    executor.shutdownNow();
  }
}
