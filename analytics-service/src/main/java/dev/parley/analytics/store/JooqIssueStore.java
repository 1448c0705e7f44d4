package dev.parley.analytics.store;

import static dev.parley.analytics.store.schema.Tables.CLUSTER_REFRESH;
import static dev.parley.analytics.store.schema.Tables.ISSUE;
import static dev.parley.analytics.store.schema.Tables.ISSUE_CLUSTER;
import static dev.parley.analytics.store.schema.Tables.QUERY_CONVERSATION;
import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.IssueClustering;
import dev.parley.analytics.domain.IssueClustering.Cluster;
import dev.parley.analytics.domain.IssueStore;
import dev.parley.analytics.store.schema.tables.records.IssueClusterRecord;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.embedding.StoredVectors;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectConditionStep;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/** Issues and clusters in PostgreSQL; a cluster's figures are counted from its issues. */
final class JooqIssueStore implements IssueStore {
  static final int WEEKS = 13;

  /** Tenants clustered per round at most; the others wait for the next. */
  private static final int MAX_REFRESHES = 100;

  private static final Duration WEEK = Duration.ofDays(7);

  private final TenantDatabase database;
  private final DSLContext dsl;

  @Inject
  JooqIssueStore(TenantDatabase database, DSLContext dsl) {
    this.database = requireNonNull(database, "database is null");
    this.dsl = requireNonNull(dsl, "dsl is null");
  }

  @Override
  public List<Refresh> pendingRefreshes() {
    return dsl.resultQuery(
            "SELECT tenant_id, version FROM analytics.clusters_to_refresh({0})",
            DSL.val(MAX_REFRESHES))
        .fetch(row -> new Refresh(row.get(0, String.class), row.get(1, Long.class)));
  }

  @Override
  public List<IssueClustering.Issue> issuesToCluster(String tenantId, int limit) {
    return database.inTenant(
        tenantId,
        tx ->
            tx.select(ISSUE.ID, ISSUE.USER_TEXT, ISSUE.CREATED_AT, ISSUE.EMBEDDING)
                .from(ISSUE)
                .where(ISSUE.TENANT_ID.eq(tenantId), ISSUE.EMBEDDING.isNotNull())
                .orderBy(ISSUE.CREATED_AT.desc(), ISSUE.ID.desc())
                .limit(limit)
                .fetch(
                    row ->
                        new IssueClustering.Issue(
                            row.value1(),
                            row.value2(),
                            row.value3().toInstant(),
                            StoredVectors.vector(row.value4()))));
  }

  @Override
  public List<PendingIssue> issuesToEmbed(int limit) {
    return dsl.resultQuery("SELECT * FROM analytics.issues_to_embed({0})", DSL.val(limit))
        .fetch(
            row ->
                new PendingIssue(
                    row.get("tenant_id", String.class),
                    row.get("id", String.class),
                    row.get("summary", String.class)));
  }

  @Override
  public void saveEmbeddings(List<PendingIssue> issues, List<float[]> embeddings) {
    Map<String, List<Integer>> byTenant = new TreeMap<>();
    for (int i = 0; i < issues.size(); i++) {
      byTenant.computeIfAbsent(issues.get(i).tenantId(), tenant -> new ArrayList<>()).add(i);
    }
    byTenant.forEach(
        (tenantId, indexes) ->
            database.inTenant(
                tenantId,
                tx -> {
                  for (int i : indexes) {
                    tx.update(ISSUE)
                        .set(ISSUE.EMBEDDING, StoredVectors.bytes(embeddings.get(i)))
                        .where(
                            ISSUE.TENANT_ID.eq(tenantId),
                            ISSUE.ID.eq(issues.get(i).id()),
                            ISSUE.SUMMARY.eq(issues.get(i).summary()))
                        .execute();
                  }
                  EventProjection.markForClustering(tx, tenantId);
                  return null;
                }));
  }

  @Override
  public void saveClusters(
      String tenantId, long version, List<String> considered, List<Cluster> clusters, Instant now) {
    OffsetDateTime time = now.atOffset(ZoneOffset.UTC);
    database.inTenant(
        tenantId,
        tx -> {
          Map<String, IssueClusterRecord> existing = new HashMap<>();
          tx.selectFrom(ISSUE_CLUSTER)
              .where(ISSUE_CLUSTER.TENANT_ID.eq(tenantId))
              .forUpdate()
              .forEach(row -> existing.put(row.getId(), row));
          Map<String, Set<String>> members = new HashMap<>();
          tx.select(ISSUE.CLUSTER_ID, ISSUE.ID)
              .from(ISSUE)
              .where(ISSUE.TENANT_ID.eq(tenantId), ISSUE.CLUSTER_ID.isNotNull())
              .forEach(
                  row ->
                      members
                          .computeIfAbsent(row.value1(), k -> new HashSet<>())
                          .add(row.value2()));
          Set<String> kept = new HashSet<>();
          for (Cluster cluster : clusters) {
            kept.add(cluster.id());
            IssueClusterRecord before = existing.get(cluster.id());
            boolean unchanged =
                before != null
                    && before.getLabel().equals(cluster.label())
                    && before.getSummary().equals(cluster.summary())
                    && before.getIcon().equals(cluster.icon())
                    && Set.copyOf(cluster.issues())
                        .equals(members.getOrDefault(cluster.id(), Set.of()));
            if (unchanged) {
              continue;
            }
            tx.insertInto(ISSUE_CLUSTER)
                .set(ISSUE_CLUSTER.TENANT_ID, tenantId)
                .set(ISSUE_CLUSTER.ID, cluster.id())
                .set(ISSUE_CLUSTER.LABEL, cluster.label())
                .set(ISSUE_CLUSTER.SUMMARY, cluster.summary())
                .set(ISSUE_CLUSTER.ICON, cluster.icon())
                .set(ISSUE_CLUSTER.CREATED_AT, time)
                .set(ISSUE_CLUSTER.UPDATED_AT, time)
                .onConflict(ISSUE_CLUSTER.TENANT_ID, ISSUE_CLUSTER.ID)
                .doUpdate()
                .set(ISSUE_CLUSTER.LABEL, cluster.label())
                .set(ISSUE_CLUSTER.SUMMARY, cluster.summary())
                .set(ISSUE_CLUSTER.ICON, cluster.icon())
                .set(ISSUE_CLUSTER.UPDATED_AT, time)
                .execute();
            tx.update(ISSUE)
                .set(ISSUE.CLUSTER_ID, cluster.id())
                .where(ISSUE.TENANT_ID.eq(tenantId), ISSUE.ID.in(cluster.issues()))
                .execute();
          }
          Set<String> clustered = new HashSet<>();
          clusters.forEach(cluster -> clustered.addAll(cluster.issues()));
          List<String> loose = considered.stream().filter(id -> !clustered.contains(id)).toList();
          if (!loose.isEmpty()) {
            tx.update(ISSUE)
                .setNull(ISSUE.CLUSTER_ID)
                .where(
                    ISSUE.TENANT_ID.eq(tenantId), ISSUE.ID.in(loose), ISSUE.CLUSTER_ID.isNotNull())
                .execute();
          }
          // A cluster left without issues (merged into another, or its issues deleted) goes.
          tx.deleteFrom(ISSUE_CLUSTER)
              .where(
                  ISSUE_CLUSTER.TENANT_ID.eq(tenantId),
                  ISSUE_CLUSTER.ID.notIn(kept),
                  DSL.notExists(
                      DSL.selectOne()
                          .from(ISSUE)
                          .where(
                              ISSUE.TENANT_ID.eq(tenantId), ISSUE.CLUSTER_ID.eq(ISSUE_CLUSTER.ID))))
              .execute();
          tx.deleteFrom(CLUSTER_REFRESH)
              .where(CLUSTER_REFRESH.TENANT_ID.eq(tenantId), CLUSTER_REFRESH.VERSION.eq(version))
              .execute();
          return null;
        });
  }

  @Override
  public Slice<IssueView> issues(
      String tenantId, String clusterId, String conversationId, int offset, int limit) {
    return database.inTenant(
        tenantId,
        tx -> {
          List<Condition> where = new ArrayList<>();
          where.add(ISSUE.TENANT_ID.eq(tenantId));
          if (clusterId != null) {
            where.add(ISSUE.CLUSTER_ID.eq(clusterId));
          }
          if (conversationId != null) {
            where.add(ISSUE.CONVERSATION_ID.eq(conversationId));
          }
          int total = tx.fetchCount(ISSUE, where);
          List<IssueView> items =
              issueQuery(tx, where)
                  .orderBy(ISSUE.CREATED_AT.desc(), ISSUE.ID.desc())
                  .offset(offset)
                  .limit(limit)
                  .fetch(JooqIssueStore::issueView);
          return new Slice<>(items, total);
        });
  }

  @Override
  public Optional<IssueView> issue(String tenantId, String issueId) {
    return database.inTenant(
        tenantId,
        tx ->
            issueQuery(tx, List.of(ISSUE.TENANT_ID.eq(tenantId), ISSUE.ID.eq(issueId)))
                .fetchOptional(JooqIssueStore::issueView));
  }

  private static SelectConditionStep<Record> issueQuery(DSLContext tx, List<Condition> where) {
    return tx.select(ISSUE.fields())
        .select(
            QUERY_CONVERSATION.SUBJECT,
            QUERY_CONVERSATION.CREATE_TIME,
            QUERY_CONVERSATION.SOURCE,
            QUERY_CONVERSATION.EXTERNAL_URL)
        .from(ISSUE)
        .join(QUERY_CONVERSATION)
        .on(
            QUERY_CONVERSATION.TENANT_ID.eq(ISSUE.TENANT_ID),
            QUERY_CONVERSATION.ID.eq(ISSUE.CONVERSATION_ID))
        .where(where);
  }

  private static IssueView issueView(Record row) {
    return new IssueView(
        row.get(ISSUE.ID),
        row.get(ISSUE.TITLE),
        row.get(ISSUE.SUMMARY),
        row.get(ISSUE.CREATED_AT).toInstant(),
        row.get(ISSUE.INGESTED_AT).toInstant(),
        row.get(ISSUE.CLUSTER_ID),
        row.get(ISSUE.CONVERSATION_ID),
        row.get(QUERY_CONVERSATION.SUBJECT),
        row.get(QUERY_CONVERSATION.CREATE_TIME).toInstant(),
        row.get(QUERY_CONVERSATION.SOURCE),
        row.get(QUERY_CONVERSATION.EXTERNAL_URL));
  }

  @Override
  public Slice<ClusterView> clusters(
      String tenantId, ClusterOrder order, boolean ascending, int offset, int limit, Instant now) {
    return database.inTenant(
        tenantId,
        tx -> {
          Field<Integer> issues = DSL.count();
          Field<Integer> conversations = DSL.countDistinct(ISSUE.CONVERSATION_ID);
          Field<?> key =
              switch (order) {
                case UPDATED_AT -> ISSUE_CLUSTER.UPDATED_AT;
                case ISSUES -> issues;
                case CONVERSATIONS -> conversations;
              };
          List<SortField<?>> sort =
              List.of(
                  ascending ? key.asc() : key.desc(),
                  ascending ? ISSUE_CLUSTER.ID.asc() : ISSUE_CLUSTER.ID.desc());
          int total = tx.fetchCount(ISSUE_CLUSTER, ISSUE_CLUSTER.TENANT_ID.eq(tenantId));
          List<String> ids =
              tx.select(ISSUE_CLUSTER.ID)
                  .from(ISSUE_CLUSTER)
                  .join(ISSUE)
                  .on(
                      ISSUE.TENANT_ID.eq(ISSUE_CLUSTER.TENANT_ID),
                      ISSUE.CLUSTER_ID.eq(ISSUE_CLUSTER.ID))
                  .where(ISSUE_CLUSTER.TENANT_ID.eq(tenantId))
                  .groupBy(ISSUE_CLUSTER.TENANT_ID, ISSUE_CLUSTER.ID)
                  .orderBy(sort)
                  .offset(offset)
                  .limit(limit)
                  .fetch(ISSUE_CLUSTER.ID);
          Map<String, ClusterView> views = views(tx, tenantId, ids, now);
          return new Slice<>(ids.stream().map(views::get).toList(), total);
        });
  }

  @Override
  public Optional<ClusterView> cluster(String tenantId, String clusterId, Instant now) {
    return database.inTenant(
        tenantId,
        tx -> Optional.ofNullable(views(tx, tenantId, List.of(clusterId), now).get(clusterId)));
  }

  /** The clusters with their figures, counted from their issues in one query. */
  private static Map<String, ClusterView> views(
      DSLContext tx, String tenantId, List<String> ids, Instant now) {
    Map<String, IssueClusterRecord> clusters = new HashMap<>();
    tx.selectFrom(ISSUE_CLUSTER)
        .where(ISSUE_CLUSTER.TENANT_ID.eq(tenantId), ISSUE_CLUSTER.ID.in(ids))
        .forEach(row -> clusters.put(row.getId(), row));
    Map<String, int[]> pulses = new HashMap<>();
    Map<String, Map<String, Integer>> sources = new HashMap<>();
    Map<String, Set<String>> conversations = new HashMap<>();
    Map<String, Integer> issues = new HashMap<>();
    Instant start = now.minus(WEEK.multipliedBy(WEEKS));
    tx.select(ISSUE.CLUSTER_ID, ISSUE.CONVERSATION_ID, ISSUE.CREATED_AT, QUERY_CONVERSATION.SOURCE)
        .from(ISSUE)
        .join(QUERY_CONVERSATION)
        .on(
            QUERY_CONVERSATION.TENANT_ID.eq(ISSUE.TENANT_ID),
            QUERY_CONVERSATION.ID.eq(ISSUE.CONVERSATION_ID))
        .where(ISSUE.TENANT_ID.eq(tenantId), ISSUE.CLUSTER_ID.in(clusters.keySet()))
        .forEach(
            row -> {
              String cluster = row.value1();
              issues.merge(cluster, 1, Integer::sum);
              conversations.computeIfAbsent(cluster, k -> new HashSet<>()).add(row.value2());
              sources
                  .computeIfAbsent(cluster, k -> new TreeMap<>())
                  .merge(row.value4(), 1, Integer::sum);
              Instant created = row.value3().toInstant();
              if (!created.isBefore(start) && !created.isAfter(now)) {
                int week = (int) (Duration.between(start, created).toMillis() / WEEK.toMillis());
                pulses.computeIfAbsent(cluster, k -> new int[WEEKS])[Math.min(week, WEEKS - 1)]++;
              }
            });
    Map<String, ClusterView> views = new HashMap<>();
    clusters.forEach(
        (id, row) ->
            views.put(
                id,
                new ClusterView(
                    id,
                    row.getLabel(),
                    row.getSummary(),
                    row.getIcon(),
                    row.getCreatedAt().toInstant(),
                    row.getUpdatedAt().toInstant(),
                    issues.getOrDefault(id, 0),
                    conversations.getOrDefault(id, Set.of()).size(),
                    Arrays.stream(pulses.getOrDefault(id, new int[WEEKS])).boxed().toList(),
                    sources.getOrDefault(id, Map.of()))));
    return views;
  }
}
