package dev.parley.analytics.api;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.ConversationDays;
import dev.parley.analytics.v1.AnalyticsServiceGrpc;
import dev.parley.analytics.v1.DayCount;
import dev.parley.analytics.v1.GetDailyConversationCountsRequest;
import dev.parley.analytics.v1.GetDailyConversationCountsResponse;
import dev.parley.platform.grpc.CallContext;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** The native {@code parley.analytics.v1.AnalyticsService}. */
public final class AnalyticsGrpcService extends AnalyticsServiceGrpc.AnalyticsServiceImplBase {
  private final ConversationDays days;

  @Inject
  public AnalyticsGrpcService(ConversationDays days) {
    this.days = requireNonNull(days, "days is null");
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
}
