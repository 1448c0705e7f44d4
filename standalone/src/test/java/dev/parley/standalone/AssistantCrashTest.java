package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.conversation.v1.AssistantServiceGrpc;
import dev.parley.conversation.v1.GetRunRequest;
import dev.parley.conversation.v1.Run;
import dev.parley.conversation.v1.RunAssistantRequest;
import dev.parley.conversation.v1.RunEvent;
import dev.parley.conversation.v1.RunStatus;
import dev.parley.platform.config.Environment;
import dev.parley.platform.testing.OpenAiCompatibleServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose process is killed mid-answer never stays running: once the process is back (or any
 * replica runs), the run is failed, with its finished event stored.
 */
class AssistantCrashTest {
  @Test
  void aRunKilledWithItsProcessIsFailedAfterRestart(@TempDir Path data) throws Exception {
    try (OpenAiCompatibleServer openAi = OpenAiCompatibleServer.start()) {
      ParleyProcess parleyUp = new ParleyProcess(data);
      int conversationPort = ParleyProcess.freePort();
      parleyUp.settings.put("PARLEY_CONVERSATION_PORT", Integer.toString(conversationPort));
      parleyUp.settings.put("PARLEY_OPENAI_BASE_URL", openAi.baseUrl());
      parleyUp.settings.put("PARLEY_ASSISTANT_MODELS", "slow=openai:slow");
      Process parley = parleyUp.start();
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", conversationPort).usePlaintext().build();
      try {
        parleyUp.awaitServing(parley);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status =
            Parley.run(
                List.of("keys", "create", "--tenant", "crash", "--scopes", "*"),
                Environment.of(parleyUp.settings),
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(status).isZero();
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        String key = lines.getLast().strip();
        HttpResponse<String> logged =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(parleyUp.baseUrl() + "/inkeep/conversations"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"id\": \"crash-1\", \"type\": \"openai\", \"messages\":"
                                    + " [{\"role\": \"user\", \"content\": \"Go on\"}]}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(logged.statusCode()).as(logged.body()).isEqualTo(200);

        var assistant = TestingParley.withKey(AssistantServiceGrpc.newBlockingStub(channel), key);
        Iterator<RunEvent> events =
            assistant.runAssistant(
                RunAssistantRequest.newBuilder()
                    .setConversationId("crash-1")
                    .setModel("slow")
                    .build());
        Run started = events.next().getStarted();
        assertThat(events.next().hasTextDelta()).isTrue();

        parley.destroyForcibly().waitFor();
        parley = parleyUp.start();
        parleyUp.awaitServing(parley);

        GetRunRequest get =
            GetRunRequest.newBuilder()
                .setConversationId("crash-1")
                .setRunId(started.getId())
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Run run = null;
        while (System.nanoTime() < deadline) {
          try {
            run = assistant.getRun(get);
            if (run.getStatus() != RunStatus.RUN_STATUS_RUNNING) {
              break;
            }
          } catch (io.grpc.StatusRuntimeException e) {
            // the channel reconnects to the new process
          }
          Thread.sleep(500);
        }
        assertThat(run).isNotNull();
        assertThat(run.getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
        assertThat(run.getError()).contains("interrupted");
        assertThat(run.hasEndTime()).isTrue();
      } finally {
        channel.shutdownNow();
        parley.destroy();
        if (!parley.waitFor(60, TimeUnit.SECONDS)) {
          parley.destroyForcibly().waitFor();
        }
      }
    }
  }
}
