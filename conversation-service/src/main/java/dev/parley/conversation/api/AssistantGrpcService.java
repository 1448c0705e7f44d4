package dev.parley.conversation.api;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import dev.parley.conversation.domain.Assistant;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.QueuedMessage;
import dev.parley.conversation.domain.RelatedDocument;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.RunEvent;
import dev.parley.conversation.v1.AssistantServiceGrpc;
import dev.parley.conversation.v1.CancelRunRequest;
import dev.parley.conversation.v1.Citation;
import dev.parley.conversation.v1.ClearQueueRequest;
import dev.parley.conversation.v1.DeleteQueuedMessageRequest;
import dev.parley.conversation.v1.DraftReplyRequest;
import dev.parley.conversation.v1.DraftReplyResponse;
import dev.parley.conversation.v1.EnqueueMessageRequest;
import dev.parley.conversation.v1.GetRelatedDocumentRequest;
import dev.parley.conversation.v1.GetRunRequest;
import dev.parley.conversation.v1.ListQueuedMessagesRequest;
import dev.parley.conversation.v1.ListRelatedDocumentsRequest;
import dev.parley.conversation.v1.ListRelatedDocumentsResponse;
import dev.parley.conversation.v1.ListRunEventsRequest;
import dev.parley.conversation.v1.ListRunEventsResponse;
import dev.parley.conversation.v1.MessageCompleted;
import dev.parley.conversation.v1.ProposeTitleRequest;
import dev.parley.conversation.v1.ProposeTitleResponse;
import dev.parley.conversation.v1.QueuedMessages;
import dev.parley.conversation.v1.RunAssistantRequest;
import dev.parley.conversation.v1.RunStatus;
import dev.parley.conversation.v1.TextDelta;
import dev.parley.conversation.v1.UpdateQueuedMessageRequest;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.proto.ProtoTime;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.util.List;

/** The native AssistantService: runs, their events, titles and related documents. */
public final class AssistantGrpcService extends AssistantServiceGrpc.AssistantServiceImplBase {
  private final Assistant assistant;

  @Inject
  public AssistantGrpcService(Assistant assistant) {
    this.assistant = requireNonNull(assistant, "assistant is null");
  }

  @Override
  public void runAssistant(
      RunAssistantRequest request, StreamObserver<dev.parley.conversation.v1.RunEvent> response) {
    ServerCallStreamObserver<dev.parley.conversation.v1.RunEvent> stream =
        (ServerCallStreamObserver<dev.parley.conversation.v1.RunEvent>) response;
    // The run goes on when the caller leaves; its events stay stored.
    stream.setOnCancelHandler(() -> {});
    Conversations.checkId("conversation_id", request.getConversationId());
    assistant.start(
        CallContext.tenantId(),
        request.getConversationId(),
        new Assistant.RunRequest(
            request.getMessageId(), request.getModel(), request.getContinueMessage()),
        stored -> {
          if (stream.isCancelled()) {
            return;
          }
          synchronized (stream) {
            stream.onNext(toProto(stored));
            if (stored.event() instanceof RunEvent.Finished) {
              stream.onCompleted();
            }
          }
        });
  }

  @Override
  public void getRun(
      GetRunRequest request, StreamObserver<dev.parley.conversation.v1.Run> response) {
    respond(
        response,
        toProto(
            assistant.get(
                CallContext.tenantId(), request.getConversationId(), request.getRunId())));
  }

  @Override
  public void listRunEvents(
      ListRunEventsRequest request, StreamObserver<ListRunEventsResponse> response) {
    ListRunEventsResponse.Builder result = ListRunEventsResponse.newBuilder();
    assistant
        .events(
            CallContext.tenantId(),
            request.getConversationId(),
            request.getRunId(),
            request.getAfterSequence())
        .forEach(stored -> result.addEvents(toProto(stored)));
    respond(response, result.build());
  }

  @Override
  public void cancelRun(
      CancelRunRequest request, StreamObserver<dev.parley.conversation.v1.Run> response) {
    respond(
        response,
        toProto(
            assistant.cancel(
                CallContext.tenantId(), request.getConversationId(), request.getRunId())));
  }

  @Override
  public void listQueuedMessages(
      ListQueuedMessagesRequest request, StreamObserver<QueuedMessages> response) {
    respond(
        response, toProto(assistant.queue(CallContext.tenantId(), request.getConversationId())));
  }

  @Override
  public void enqueueMessage(
      EnqueueMessageRequest request, StreamObserver<QueuedMessages> response) {
    respond(
        response,
        toProto(
            assistant.enqueue(
                CallContext.tenantId(),
                request.getConversationId(),
                request.getMessage().getContent(),
                ProtoJson.toJson(request.getMessage().getContext()))));
  }

  @Override
  public void updateQueuedMessage(
      UpdateQueuedMessageRequest request, StreamObserver<QueuedMessages> response) {
    respond(
        response,
        toProto(
            assistant.updateQueued(
                CallContext.tenantId(),
                request.getConversationId(),
                request.getQueuedMessageId(),
                request.getContent())));
  }

  @Override
  public void deleteQueuedMessage(
      DeleteQueuedMessageRequest request, StreamObserver<QueuedMessages> response) {
    respond(
        response,
        toProto(
            assistant.deleteQueued(
                CallContext.tenantId(),
                request.getConversationId(),
                request.getQueuedMessageId())));
  }

  @Override
  public void clearQueue(ClearQueueRequest request, StreamObserver<QueuedMessages> response) {
    assistant.clearQueue(CallContext.tenantId(), request.getConversationId());
    respond(response, toProto(List.of()));
  }

  @Override
  public void draftReply(DraftReplyRequest request, StreamObserver<DraftReplyResponse> response) {
    respond(
        response,
        DraftReplyResponse.newBuilder()
            .setText(assistant.draftReply(CallContext.tenantId(), request.getConversationId()))
            .build());
  }

  private static QueuedMessages toProto(List<QueuedMessage> messages) {
    QueuedMessages.Builder result =
        QueuedMessages.newBuilder().setMaxMessages(Assistant.MAX_QUEUED);
    for (QueuedMessage message : messages) {
      result.addMessages(
          dev.parley.conversation.v1.QueuedMessage.newBuilder()
              .setId(message.id())
              .setContent(message.content())
              .setContext(ProtoJson.toStruct(message.contextJson()))
              .setCreateTime(ProtoTime.timestamp(message.createTime()))
              .setExpireTime(ProtoTime.timestamp(message.expireTime())));
    }
    return result.build();
  }

  @Override
  public void proposeTitle(
      ProposeTitleRequest request, StreamObserver<ProposeTitleResponse> response) {
    respond(
        response,
        ProposeTitleResponse.newBuilder()
            .setTitle(assistant.proposeTitle(CallContext.tenantId(), request.getConversationId()))
            .build());
  }

  @Override
  public void listRelatedDocuments(
      ListRelatedDocumentsRequest request, StreamObserver<ListRelatedDocumentsResponse> response) {
    ListRelatedDocumentsResponse.Builder result = ListRelatedDocumentsResponse.newBuilder();
    assistant
        .relatedDocuments(CallContext.tenantId(), request.getConversationId())
        .forEach(document -> result.addDocuments(toProto(document)));
    respond(response, result.build());
  }

  @Override
  public void getRelatedDocument(
      GetRelatedDocumentRequest request,
      StreamObserver<dev.parley.conversation.v1.RelatedDocument> response) {
    respond(
        response,
        toProto(
            assistant.relatedDocument(
                CallContext.tenantId(), request.getConversationId(), request.getSourceId())));
  }

  static dev.parley.conversation.v1.RunEvent toProto(RunEvent.Stored stored) {
    dev.parley.conversation.v1.RunEvent.Builder event =
        dev.parley.conversation.v1.RunEvent.newBuilder()
            .setRunId(stored.runId())
            .setSequence(stored.sequence())
            .setTime(ProtoTime.timestamp(stored.time()));
    switch (stored.event()) {
      case RunEvent.Started started -> event.setStarted(toProto(started.run()));
      case RunEvent.TextDelta delta ->
          event.setTextDelta(TextDelta.newBuilder().setText(delta.text()));
      case RunEvent.Citation citation -> {
        Citation.Builder proto =
            Citation.newBuilder()
                .setNumber(citation.number())
                .setDocumentId(citation.source().documentId())
                .setTitle(citation.source().title())
                .setText(citation.source().text());
        if (citation.source().sourceLink() != null) {
          proto.setSourceLink(citation.source().sourceLink());
        }
        event.setCitation(proto);
      }
      case RunEvent.MessageCompleted completed ->
          event.setMessageCompleted(
              MessageCompleted.newBuilder()
                  .setMessageId(completed.messageId())
                  .setText(completed.text()));
      case RunEvent.Finished finished -> event.setFinished(toProto(finished.run()));
    }
    return event.build();
  }

  static dev.parley.conversation.v1.Run toProto(Run run) {
    dev.parley.conversation.v1.Run.Builder proto =
        dev.parley.conversation.v1.Run.newBuilder()
            .setId(run.id())
            .setConversationId(run.conversationId())
            .setStatus(RunStatus.valueOf("RUN_STATUS_" + run.status().name()))
            .setProvider(run.provider())
            .setModel(run.model())
            .setRequestedModel(run.requestedModel())
            .setUserMessageId(run.userMessageId())
            .setCreateTime(ProtoTime.timestamp(run.createTime()));
    if (run.assistantMessageId() != null) {
      proto.setAssistantMessageId(run.assistantMessageId());
    }
    if (run.stopReason() != null) {
      proto.setStopReason(run.stopReason().stored());
    }
    if (run.error() != null) {
      proto.setError(run.error());
    }
    if (run.inputTokens() != null) {
      proto.setInputTokens(run.inputTokens());
    }
    if (run.outputTokens() != null) {
      proto.setOutputTokens(run.outputTokens());
    }
    if (run.startTime() != null) {
      proto.setStartTime(ProtoTime.timestamp(run.startTime()));
    }
    if (run.endTime() != null) {
      proto.setEndTime(ProtoTime.timestamp(run.endTime()));
    }
    return proto.build();
  }

  private static dev.parley.conversation.v1.RelatedDocument toProto(RelatedDocument document) {
    dev.parley.conversation.v1.RelatedDocument.Builder proto =
        dev.parley.conversation.v1.RelatedDocument.newBuilder()
            .setSourceId(document.sourceId())
            .setText(document.text())
            .setRunId(document.runId())
            .setUpdateTime(ProtoTime.timestamp(document.updateTime()));
    if (document.sourceName() != null) {
      proto.setSourceName(document.sourceName());
    }
    if (document.sourceLink() != null) {
      proto.setSourceLink(document.sourceLink());
    }
    return proto.build();
  }
}
