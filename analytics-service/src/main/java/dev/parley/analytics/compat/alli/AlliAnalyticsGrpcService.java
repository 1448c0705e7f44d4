package dev.parley.analytics.compat.alli;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.ConversationDays;
import dev.parley.compat.alli.v2.AlliAnalyticsServiceGrpc;
import dev.parley.compat.alli.v2.DailyConversationCount;
import dev.parley.compat.alli.v2.DailyCount;
import dev.parley.compat.alli.v2.GetDailyConversationCountRequest;
import dev.parley.platform.grpc.CallContext;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** Alli's daily conversation count. */
public final class AlliAnalyticsGrpcService
    extends AlliAnalyticsServiceGrpc.AlliAnalyticsServiceImplBase {
  private final ConversationDays days;

  @Inject
  public AlliAnalyticsGrpcService(ConversationDays days) {
    this.days = requireNonNull(days, "days is null");
  }

  @Override
  public void getDailyConversationCount(
      GetDailyConversationCountRequest request, StreamObserver<DailyConversationCount> response) {
    DailyConversationCount.Builder result = DailyConversationCount.newBuilder();
    days.daily(CallContext.tenantId(), request.getStartDate(), request.getEndDate())
        .forEach(
            (day, count) ->
                result.addResult(DailyCount.newBuilder().setDate(day.toString()).setCount(count)));
    respond(response, result.build());
  }
}
