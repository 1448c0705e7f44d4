package dev.parley.analytics.api;

import static com.google.common.base.Strings.emptyToNull;
import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.api.HttpBody;
import dev.parley.analytics.domain.ConversationDays;
import dev.parley.analytics.domain.IssueStore.ClusterOrder;
import dev.parley.analytics.domain.IssueStore.ClusterView;
import dev.parley.analytics.domain.IssueStore.IssueView;
import dev.parley.analytics.domain.Issues;
import dev.parley.analytics.domain.Queries;
import dev.parley.analytics.domain.QueryView;
import dev.parley.analytics.v1.AnalyticsServiceGrpc;
import dev.parley.analytics.v1.DayCount;
import dev.parley.analytics.v1.ExportQueryRequest;
import dev.parley.analytics.v1.GetDailyConversationCountsRequest;
import dev.parley.analytics.v1.GetDailyConversationCountsResponse;
import dev.parley.analytics.v1.GetIssueClusterRequest;
import dev.parley.analytics.v1.GetIssueRequest;
import dev.parley.analytics.v1.Issue;
import dev.parley.analytics.v1.IssueCluster;
import dev.parley.analytics.v1.ListIssueClustersRequest;
import dev.parley.analytics.v1.ListIssueClustersResponse;
import dev.parley.analytics.v1.ListIssuesRequest;
import dev.parley.analytics.v1.ListIssuesResponse;
import dev.parley.analytics.v1.ListPropertyKeysRequest;
import dev.parley.analytics.v1.ListPropertyKeysResponse;
import dev.parley.analytics.v1.ListPropertyValuesRequest;
import dev.parley.analytics.v1.ListPropertyValuesResponse;
import dev.parley.analytics.v1.ListTopSearchQueriesRequest;
import dev.parley.analytics.v1.ListTopSearchQueriesResponse;
import dev.parley.analytics.v1.ListWeeklySearchUsersRequest;
import dev.parley.analytics.v1.ListWeeklySearchUsersResponse;
import dev.parley.analytics.v1.QueryResult;
import dev.parley.analytics.v1.RunQueryRequest;
import dev.parley.analytics.v1.SearchQueryCount;
import dev.parley.analytics.v1.View;
import dev.parley.analytics.v1.WeekUsers;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.ProtoTime;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The native {@code parley.analytics.v1.AnalyticsService}. */
public final class AnalyticsGrpcService extends AnalyticsServiceGrpc.AnalyticsServiceImplBase {
  private final ConversationDays days;
  private final Queries queries;
  private final Issues issues;

  @Inject
  public AnalyticsGrpcService(ConversationDays days, Queries queries, Issues issues) {
    this.days = requireNonNull(days, "days is null");
    this.queries = requireNonNull(queries, "queries is null");
    this.issues = requireNonNull(issues, "issues is null");
  }

  @Override
  public void getDailyConversationCounts(
      GetDailyConversationCountsRequest request,
      StreamObserver<GetDailyConversationCountsResponse> response) {
    GetDailyConversationCountsResponse.Builder result =
        GetDailyConversationCountsResponse.newBuilder();
    days.daily(CallContext.tenantId(), request.getStartDate(), request.getEndDate())
        .forEach(
            (day, count) ->
                result.addDays(DayCount.newBuilder().setDate(day.toString()).setCount(count)));
    respond(response, result.build());
  }

  @Override
  public void runQuery(RunQueryRequest request, StreamObserver<QueryResult> response) {
    respond(
        response,
        QueryRows.result(
            queries.run(
                CallContext.tenantId(), view("view", request.getView()), request.getQuery()),
            Queries.PAGE_SIZE));
  }

  @Override
  public void exportQuery(ExportQueryRequest request, StreamObserver<HttpBody> response) {
    respond(
        response,
        QueryRows.csv(
            queries.export(
                CallContext.tenantId(), view("view", request.getView()), request.getQuery())));
  }

  @Override
  public void listPropertyKeys(
      ListPropertyKeysRequest request, StreamObserver<ListPropertyKeysResponse> response) {
    respond(
        response,
        ListPropertyKeysResponse.newBuilder()
            .addAllKeys(
                queries.propertyKeys(
                    CallContext.tenantId(),
                    request.getField(),
                    views(request.getViewsList()),
                    request.hasFilter() ? request.getFilter() : null))
            .build());
  }

  @Override
  public void listPropertyValues(
      ListPropertyValuesRequest request, StreamObserver<ListPropertyValuesResponse> response) {
    respond(
        response,
        ListPropertyValuesResponse.newBuilder()
            .addAllValues(
                queries.propertyValues(
                    CallContext.tenantId(),
                    request.getField(),
                    request.getKey(),
                    views(request.getViewsList()),
                    request.hasFilter() ? request.getFilter() : null,
                    request.getPageSize() == 0 ? null : request.getPageSize()))
            .build());
  }

  @Override
  public void listTopSearchQueries(
      ListTopSearchQueriesRequest request, StreamObserver<ListTopSearchQueriesResponse> response) {
    ListTopSearchQueriesResponse.Builder result = ListTopSearchQueriesResponse.newBuilder();
    queries
        .topSearchQueries(
            CallContext.tenantId(),
            request.hasAfter() ? ProtoTime.instant(request.getAfter()) : null,
            request.getProjectId())
        .forEach(
            count ->
                result.addQueries(
                    SearchQueryCount.newBuilder()
                        .setSearchQuery(count.searchQuery())
                        .setCount(count.count())));
    respond(response, result.build());
  }

  @Override
  public void listWeeklySearchUsers(
      ListWeeklySearchUsersRequest request,
      StreamObserver<ListWeeklySearchUsersResponse> response) {
    ListWeeklySearchUsersResponse.Builder result = ListWeeklySearchUsersResponse.newBuilder();
    Instant after = request.hasAfter() ? ProtoTime.instant(request.getAfter()) : null;
    queries
        .weeklySearchUsers(CallContext.tenantId(), after, request.getProjectId())
        .forEach(
            week ->
                result.addWeeks(
                    WeekUsers.newBuilder().setWeek(week.week()).setUsers(week.users())));
    respond(response, result.build());
  }

  @Override
  public void listIssues(ListIssuesRequest request, StreamObserver<ListIssuesResponse> response) {
    Issues.Page<IssueView> page =
        issues.list(
            CallContext.tenantId(),
            emptyToNull(request.getClusterId()),
            emptyToNull(request.getConversationId()),
            request.getPageToken(),
            request.getPageSize() == 0 ? null : request.getPageSize());
    ListIssuesResponse.Builder result = ListIssuesResponse.newBuilder().setTotalSize(page.total());
    page.items().forEach(issue -> result.addIssues(issue(issue)));
    if (page.nextToken() != null) {
      result.setNextPageToken(page.nextToken());
    }
    respond(response, result.build());
  }

  @Override
  public void getIssue(GetIssueRequest request, StreamObserver<Issue> response) {
    respond(response, issue(issues.get(CallContext.tenantId(), request.getId())));
  }

  @Override
  public void listIssueClusters(
      ListIssueClustersRequest request, StreamObserver<ListIssueClustersResponse> response) {
    String[] order = request.getOrderBy().trim().split("\\s+");
    ClusterOrder key =
        switch (order[0]) {
          case "", "update_time" -> ClusterOrder.UPDATED_AT;
          case "issue_count" -> ClusterOrder.ISSUES;
          case "conversation_count" -> ClusterOrder.CONVERSATIONS;
          default ->
              throw ParleyException.invalidArgument(
                  "order_by", "must be update_time, issue_count or conversation_count");
        };
    boolean ascending = order.length > 1 && order[1].equals("asc");
    if (order.length > 2 || (order.length == 2 && !order[1].matches("asc|desc"))) {
      throw ParleyException.invalidArgument("order_by", "may end with asc or desc only");
    }
    Issues.Page<ClusterView> page =
        issues.clusters(
            CallContext.tenantId(),
            key,
            ascending,
            request.getPageToken(),
            request.getPageSize() == 0 ? null : request.getPageSize());
    ListIssueClustersResponse.Builder result =
        ListIssueClustersResponse.newBuilder().setTotalSize(page.total());
    page.items().forEach(cluster -> result.addClusters(cluster(cluster)));
    if (page.nextToken() != null) {
      result.setNextPageToken(page.nextToken());
    }
    respond(response, result.build());
  }

  @Override
  public void getIssueCluster(
      GetIssueClusterRequest request, StreamObserver<IssueCluster> response) {
    respond(response, cluster(issues.getCluster(CallContext.tenantId(), request.getId())));
  }

  private static Issue issue(IssueView view) {
    Issue.Builder issue =
        Issue.newBuilder()
            .setId(view.id())
            .setConversationId(view.conversationId())
            .setTitle(view.title())
            .setSummary(view.summary())
            .setCreateTime(ProtoTime.timestamp(view.createdAt()))
            .setIngestTime(ProtoTime.timestamp(view.ingestedAt()));
    if (view.clusterId() != null) {
      issue.setClusterId(view.clusterId());
    }
    return issue.build();
  }

  private static IssueCluster cluster(ClusterView view) {
    return IssueCluster.newBuilder()
        .setId(view.id())
        .setLabel(view.label())
        .setSummary(view.summary())
        .setIcon(view.icon())
        .setCreateTime(ProtoTime.timestamp(view.createdAt()))
        .setUpdateTime(ProtoTime.timestamp(view.updatedAt()))
        .setIssueCount(view.issues())
        .setConversationCount(view.conversations())
        .addAllWeeklyPulse(view.weeklyPulse())
        .putAllSources(view.sources())
        .build();
  }

  private static QueryView view(String field, View view) {
    return switch (view) {
      case VIEW_CONVERSATIONS -> QueryView.CONVERSATIONS;
      case VIEW_EVENTS -> QueryView.EVENTS;
      case VIEW_FEEDBACK -> QueryView.FEEDBACK;
      case VIEW_TICKETS -> QueryView.TICKETS;
      default ->
          throw ParleyException.invalidArgument(
              field, "must be VIEW_CONVERSATIONS, VIEW_EVENTS, VIEW_FEEDBACK or VIEW_TICKETS");
    };
  }

  private static List<QueryView> views(List<View> views) {
    List<QueryView> result = new ArrayList<>();
    for (int i = 0; i < views.size(); i++) {
      result.add(view("views[" + i + "]", views.get(i)));
    }
    return result;
  }
}
