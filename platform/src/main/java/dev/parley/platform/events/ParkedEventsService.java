package dev.parley.platform.events;

import static java.util.Objects.requireNonNull;

import dev.parley.event.v1.ListParkedEventsRequest;
import dev.parley.event.v1.ListParkedEventsResponse;
import dev.parley.event.v1.ParkedEvent;
import dev.parley.event.v1.ReplayParkedEventRequest;
import dev.parley.platform.error.ParleyException;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.UUID;

/**
 * The internal ParkedEvents API of a service that consumes event streams ({@code
 * parley.event.v1.AnalyticsParkedEventsService}, {@code TicketParkedEventsService}): both have the
 * same two methods, served here once for whichever contract the service names.
 */
public final class ParkedEventsService implements BindableService {
  private static final int DEFAULT_PAGE_SIZE = 100;
  private static final int MAX_PAGE_SIZE = 1000;

  private final EventParking parking;
  private final ServiceDescriptor service;
  private final MethodDescriptor<ListParkedEventsRequest, ListParkedEventsResponse> list;
  private final MethodDescriptor<ReplayParkedEventRequest, ParkedEvent> replay;

  public ParkedEventsService(
      EventParking parking,
      ServiceDescriptor service,
      MethodDescriptor<ListParkedEventsRequest, ListParkedEventsResponse> list,
      MethodDescriptor<ReplayParkedEventRequest, ParkedEvent> replay) {
    this.parking = requireNonNull(parking, "parking is null");
    this.service = requireNonNull(service, "service is null");
    this.list = requireNonNull(list, "list is null");
    this.replay = requireNonNull(replay, "replay is null");
  }

  @Override
  public ServerServiceDefinition bindService() {
    return ServerServiceDefinition.builder(service)
        .addMethod(list, ServerCalls.asyncUnaryCall(this::list))
        .addMethod(replay, ServerCalls.asyncUnaryCall(this::replay))
        .build();
  }

  private void list(
      ListParkedEventsRequest request, StreamObserver<ListParkedEventsResponse> response) {
    int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw ParleyException.invalidArgument("page_size", "must be 1 to " + MAX_PAGE_SIZE);
    }
    response.onNext(
        ListParkedEventsResponse.newBuilder()
            .addAllParkedEvents(
                parking.list(tenant(request.getTenantId()), request.getStream(), pageSize))
            .build());
    response.onCompleted();
  }

  private void replay(ReplayParkedEventRequest request, StreamObserver<ParkedEvent> response) {
    String tenant = tenant(request.getTenantId());
    if (request.getStream().isEmpty()) {
      throw ParleyException.invalidArgument("stream", "is required");
    }
    UUID eventId;
    try {
      eventId = UUID.fromString(request.getEventId());
    } catch (IllegalArgumentException e) {
      throw ParleyException.invalidArgument("event_id", "must be an event's UUID");
    }
    response.onNext(parking.replay(tenant, request.getStream(), eventId));
    response.onCompleted();
  }

  private static String tenant(String tenantId) {
    if (tenantId.isEmpty()) {
      throw ParleyException.invalidArgument("tenant_id", "is required");
    }
    return tenantId;
  }
}
