package dev.parley.analytics.compat.inkeep;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.api.HttpBody;
import dev.parley.analytics.api.QueryRows;
import dev.parley.analytics.domain.Queries;
import dev.parley.analytics.domain.QueryView;
import dev.parley.analytics.v1.Query;
import dev.parley.compat.inkeep.v1.ExportConversationsRequest;
import dev.parley.compat.inkeep.v1.ExportEventsRequest;
import dev.parley.compat.inkeep.v1.ExportFeedbackRequest;
import dev.parley.compat.inkeep.v1.ExportSemanticThreadsRequest;
import dev.parley.compat.inkeep.v1.GetPropertyKeysRequest;
import dev.parley.compat.inkeep.v1.GetPropertyValuesRequest;
import dev.parley.compat.inkeep.v1.GetTopSearchQueriesRequest;
import dev.parley.compat.inkeep.v1.GetWeeklySearchUsersRequest;
import dev.parley.compat.inkeep.v1.InkeepQueryServiceGrpc;
import dev.parley.compat.inkeep.v1.PropertyResults;
import dev.parley.compat.inkeep.v1.QueryConversationsRequest;
import dev.parley.compat.inkeep.v1.QueryEventsRequest;
import dev.parley.compat.inkeep.v1.QueryFeedbackRequest;
import dev.parley.compat.inkeep.v1.QueryResponse;
import dev.parley.compat.inkeep.v1.QuerySemanticThreadsRequest;
import dev.parley.compat.inkeep.v1.SearchQueryCount;
import dev.parley.compat.inkeep.v1.TopSearchQueries;
import dev.parley.compat.inkeep.v1.TopSearchQueriesResponse;
import dev.parley.compat.inkeep.v1.WeekUsers;
import dev.parley.compat.inkeep.v1.WeeklySearchUsers;
import dev.parley.compat.inkeep.v1.WeeklySearchUsersResponse;
import dev.parley.platform.grpc.CallContext;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** Inkeep Analytics' query API. */
public final class InkeepQueryGrpcService
    extends InkeepQueryServiceGrpc.InkeepQueryServiceImplBase {
  private final Queries queries;

  @Inject
  public InkeepQueryGrpcService(Queries queries) {
    this.queries = requireNonNull(queries, "queries is null");
  }

  @Override
  public void queryConversations(
      QueryConversationsRequest request, StreamObserver<QueryResponse> response) {
    respond(response, query(QueryView.CONVERSATIONS, request.getQuery()));
  }

  @Override
  public void queryEvents(QueryEventsRequest request, StreamObserver<QueryResponse> response) {
    respond(response, query(QueryView.EVENTS, request.getQuery()));
  }

  @Override
  public void queryFeedback(QueryFeedbackRequest request, StreamObserver<QueryResponse> response) {
    respond(response, query(QueryView.FEEDBACK, request.getQuery()));
  }

  @Override
  public void querySemanticThreads(
      QuerySemanticThreadsRequest request, StreamObserver<QueryResponse> response) {
    respond(response, query(QueryView.SEMANTIC_THREADS, request.getQuery()));
  }

  @Override
  public void exportConversations(
      ExportConversationsRequest request, StreamObserver<HttpBody> response) {
    respond(response, export(QueryView.CONVERSATIONS, request.getQuery()));
  }

  @Override
  public void exportEvents(ExportEventsRequest request, StreamObserver<HttpBody> response) {
    respond(response, export(QueryView.EVENTS, request.getQuery()));
  }

  @Override
  public void exportFeedback(ExportFeedbackRequest request, StreamObserver<HttpBody> response) {
    respond(response, export(QueryView.FEEDBACK, request.getQuery()));
  }

  @Override
  public void exportSemanticThreads(
      ExportSemanticThreadsRequest request, StreamObserver<HttpBody> response) {
    respond(response, export(QueryView.SEMANTIC_THREADS, request.getQuery()));
  }

  @Override
  public void getPropertyKeys(
      GetPropertyKeysRequest request, StreamObserver<PropertyResults> response) {
    respond(
        response,
        PropertyResults.newBuilder()
            .addAllResults(
                queries.propertyKeys(
                    CallContext.tenantId(),
                    request.getField(),
                    Queries.views(request.getViewsList()),
                    request.hasWhere() ? request.getWhere() : null))
            .build());
  }

  @Override
  public void getPropertyValues(
      GetPropertyValuesRequest request, StreamObserver<PropertyResults> response) {
    respond(
        response,
        PropertyResults.newBuilder()
            .addAllResults(
                queries.propertyValues(
                    CallContext.tenantId(),
                    request.getField(),
                    request.getKey(),
                    Queries.views(request.getViewsList()),
                    request.hasWhere() ? request.getWhere() : null,
                    request.hasLimit() ? request.getLimit() : null))
            .build());
  }

  @Override
  public void getTopSearchQueries(
      GetTopSearchQueriesRequest request, StreamObserver<TopSearchQueriesResponse> response) {
    TopSearchQueries.Builder data = TopSearchQueries.newBuilder();
    queries
        .topSearchQueries(
            CallContext.tenantId(), Queries.after(request.getAfter()), request.getProjectId())
        .forEach(
            count ->
                data.addResult(
                    SearchQueryCount.newBuilder()
                        .setSearchQuery(count.searchQuery())
                        .setCount(Long.toString(count.count()))));
    respond(
        response,
        TopSearchQueriesResponse.newBuilder()
            .setData(data.setTotal(data.getResultCount()))
            .build());
  }

  @Override
  public void getWeeklySearchUsers(
      GetWeeklySearchUsersRequest request, StreamObserver<WeeklySearchUsersResponse> response) {
    WeeklySearchUsers.Builder data = WeeklySearchUsers.newBuilder();
    queries
        .weeklySearchUsers(
            CallContext.tenantId(), Queries.after(request.getAfter()), request.getProjectId())
        .forEach(
            week ->
                data.addResult(
                    WeekUsers.newBuilder()
                        .setWeek(week.week())
                        .setUniqueUsers(Long.toString(week.users()))));
    respond(
        response,
        WeeklySearchUsersResponse.newBuilder()
            .setData(data.setTotal(data.getResultCount()))
            .build());
  }

  private QueryResponse query(QueryView view, Query request) {
    return QueryResponse.newBuilder()
        .setStatus("ok")
        .setData(
            QueryRows.result(queries.run(CallContext.tenantId(), view, request), Queries.PAGE_SIZE))
        .build();
  }

  private HttpBody export(QueryView view, Query request) {
    return QueryRows.csv(queries.export(CallContext.tenantId(), view, request));
  }
}
