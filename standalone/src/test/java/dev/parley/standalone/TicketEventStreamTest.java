package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.StreamEventsRequest;
import dev.parley.event.v1.TicketEventsServiceGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ticket-service writes its changes to its outbox and streams them to Parley's services. */
class TicketEventStreamTest {
  private static String tickets(String project) {
    return "/posthog/api/projects/" + project + "/conversations/tickets/";
  }

  @Test
  void aTicketsLifeIsStreamedInOrder() throws Exception {
    TestingParley parley = TestingParley.get();
    String key = parley.key("tk-events", "ticket:write");
    JsonNode created = parley.send("POST", tickets("tk-events"), key, "{}").json();
    String id = created.get("id").asText();
    parley.send("PATCH", tickets("tk-events") + "1/", key, "{\"status\": \"open\"}");
    assertThat(parley.send("DELETE", tickets("tk-events") + "1/", key, null).status())
        .isEqualTo(204);

    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", parley.servicePort("ticket-service"))
            .usePlaintext()
            .build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("parley-internal-token", Metadata.ASCII_STRING_MARSHALLER),
        TestingParley.INTERNAL_TOKEN);
    Context.CancellableContext context = Context.current().withCancellation();
    List<String> mine = new ArrayList<>();
    try {
      context.run(
          () -> {
            Iterator<EventRecord> records =
                TicketEventsServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(Duration.ofSeconds(30))
                    .streamEvents(StreamEventsRequest.getDefaultInstance());
            Instant deadline = Instant.now().plusSeconds(30);
            while (mine.size() < 3 && Instant.now().isBefore(deadline) && records.hasNext()) {
              EventRecord record = records.next();
              if (record.getEvent().getTenantId().equals("tk-events")) {
                assertThat(record.getEvent().getSubjectId()).isEqualTo(id);
                mine.add(record.getEvent().getType());
              }
            }
          });
    } finally {
      context.cancel(null);
      channel.shutdownNow();
    }
    assertThat(mine).containsExactly("ticket.created", "ticket.updated", "ticket.deleted");
  }
}
