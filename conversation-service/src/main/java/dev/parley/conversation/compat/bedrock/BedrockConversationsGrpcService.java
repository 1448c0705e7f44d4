package dev.parley.conversation.compat.bedrock;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.api.HttpBody;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.bedrock.v1.BedrockConversationsServiceGrpc;
import dev.parley.compat.bedrock.v1.BulkDeleteConversationsRequest;
import dev.parley.compat.bedrock.v1.BulkDeleteConversationsResponse;
import dev.parley.compat.bedrock.v1.ChatOutput;
import dev.parley.compat.bedrock.v1.DeleteAllConversationsRequest;
import dev.parley.compat.bedrock.v1.DeleteConversationRequest;
import dev.parley.compat.bedrock.v1.DocumentPreview;
import dev.parley.compat.bedrock.v1.FeedbackOutput;
import dev.parley.compat.bedrock.v1.GetConversationRequest;
import dev.parley.compat.bedrock.v1.GetProposedTitleRequest;
import dev.parley.compat.bedrock.v1.GetRelatedDocumentPreviewRequest;
import dev.parley.compat.bedrock.v1.GetRelatedDocumentRequest;
import dev.parley.compat.bedrock.v1.ListConversationsRequest;
import dev.parley.compat.bedrock.v1.ListConversationsResponse;
import dev.parley.compat.bedrock.v1.ListRelatedDocumentsRequest;
import dev.parley.compat.bedrock.v1.ListRelatedDocumentsResponse;
import dev.parley.compat.bedrock.v1.MessageInput;
import dev.parley.compat.bedrock.v1.ProposedTitle;
import dev.parley.compat.bedrock.v1.PutFeedbackRequest;
import dev.parley.compat.bedrock.v1.SearchConversationsRequest;
import dev.parley.compat.bedrock.v1.SearchConversationsResponse;
import dev.parley.compat.bedrock.v1.SendMessageRequest;
import dev.parley.compat.bedrock.v1.UpdateTitleRequest;
import dev.parley.conversation.domain.Assistant;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Document;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.conversation.domain.Knowledge;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Reasons;
import dev.parley.conversation.domain.RelatedDocument;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.HttpBodies;
import dev.parley.platform.proto.ProtoJson;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** Bedrock Chat's conversation routes over the one conversation store. */
public final class BedrockConversationsGrpcService
    extends BedrockConversationsServiceGrpc.BedrockConversationsServiceImplBase {
  private static final int MAX_LIST = 1000;
  private static final int MAX_BULK_DELETE = 100;
  private static final int MAX_SEARCH_RESULTS = 20;

  private static final Set<String> CONTENT_TYPES =
      Set.of("text", "image", "attachment", "toolUse", "toolResult", "reasoning");

  private final Conversations conversations;
  private final FeedbackLog feedback;
  private final Assistant assistant;
  private final Knowledge knowledge;

  @Inject
  public BedrockConversationsGrpcService(
      Conversations conversations, FeedbackLog feedback, Assistant assistant, Knowledge knowledge) {
    this.conversations = requireNonNull(conversations, "conversations is null");
    this.feedback = requireNonNull(feedback, "feedback is null");
    this.assistant = requireNonNull(assistant, "assistant is null");
    this.knowledge = requireNonNull(knowledge, "knowledge is null");
  }

  /**
   * Bedrock Chat's chat: the user message is stored (creating the conversation on first use), then
   * a run answers it and the reply comes back when the run ends.
   */
  @Override
  public void sendMessage(SendMessageRequest request, StreamObserver<ChatOutput> response) {
    String tenantId = CallContext.tenantId();
    if (request.getConversationId().isEmpty()) {
      throw ParleyException.invalidArgument("conversationId", "is required");
    }
    String conversationId = Conversations.checkId("conversationId", request.getConversationId());
    if (!request.hasMessage()) {
      throw ParleyException.invalidArgument("message", "is required");
    }
    MessageInput input = request.getMessage();
    if (input.getModel().isEmpty()) {
      throw ParleyException.invalidArgument("message.model", "is required");
    }
    assistant.checkModel("message.model", input.getModel());
    if (!request.getContinueGenerate()) {
      checkContent(input);
    }
    String botId = request.getBotId().hasStringValue() ? request.getBotId().getStringValue() : null;
    Conversation conversation =
        conversations
            .summary(tenantId, conversationId)
            .orElseGet(() -> create(tenantId, conversationId, input.getModel(), botId));
    Run run;
    if (request.getContinueGenerate()) {
      run =
          assistant.answer(
              tenantId, conversationId, new Assistant.RunRequest(null, input.getModel(), true));
    } else {
      String parentId = parentId(tenantId, conversationId, input.getParentMessageId());
      Message question =
          conversations.append(
              tenantId,
              conversationId,
              MessageDraft.builder()
                  .id(
                      input.hasMessageId()
                          ? Conversations.checkId("message.messageId", input.getMessageId())
                          : null)
                  .parentId(parentId)
                  .role("user")
                  .contentJson(
                      ProtoJson.toJson(
                          ListValue.newBuilder().addAllValues(input.getContentList()).build()))
                  .propertiesJson(
                      ProtoJson.toJson(
                          Struct.newBuilder()
                              .putFields(
                                  "model",
                                  Value.newBuilder().setStringValue(input.getModel()).build())
                              .build()))
                  .build());
      run =
          assistant.answer(
              tenantId,
              conversationId,
              new Assistant.RunRequest(question.id(), input.getModel(), false));
    }
    if (run.assistantMessageId() == null) {
      throw new ParleyException(
          run.status() == Run.Status.CANCELLED ? ErrorCode.ABORTED : ErrorCode.UNAVAILABLE,
          run.status() == Run.Status.CANCELLED
              ? "The answer was cancelled before it began"
              : "The assistant could not answer: " + run.error());
    }
    Conversation stored = conversations.get(tenantId, conversationId);
    dev.parley.compat.bedrock.v1.Conversation tree =
        BedrockMapping.toConversation(stored, feedback.ofConversation(tenantId, conversationId));
    respond(
        response,
        ChatOutput.newBuilder()
            .setConversationId(conversationId)
            .setMessage(tree.getMessageMapOrThrow(run.assistantMessageId()))
            .setBotId(tree.getBotId())
            .setCreateTime(BedrockMapping.seconds(conversation.createTime()))
            .build());
  }

  /** A new conversation as Bedrock Chat starts one: untitled, with its model and bot. */
  private Conversation create(String tenantId, String id, String model, String botId) {
    Struct.Builder properties =
        Struct.newBuilder().putFields("model", Value.newBuilder().setStringValue(model).build());
    if (botId != null) {
      properties.putFields("botId", Value.newBuilder().setStringValue(botId).build());
    }
    try {
      return conversations.create(
          tenantId,
          "bedrock",
          ConversationDraft.builder()
              .id(id)
              .kind(ConversationKind.CHAT)
              .propertiesJson(ProtoJson.toJson(properties.build()))
              .messages(List.of())
              .build());
    } catch (ParleyException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
      return conversations.get(tenantId, id); // created at the same moment by another request
    }
  }

  /** null: after the last message; "system": a new first message; an id: that message. */
  private String parentId(String tenantId, String conversationId, Value parent) {
    if (!parent.hasStringValue()) {
      return null;
    }
    String id = parent.getStringValue();
    if (id.equals(BedrockMapping.ROOT)) {
      return BedrockMapping.ROOT;
    }
    boolean known =
        conversations.get(tenantId, conversationId).messages().stream()
            .anyMatch(message -> message.id().equals(id));
    if (!known) {
      throw ParleyException.notFound(
          "Message " + id + " not found in conversation " + conversationId);
    }
    return id;
  }

  private static void checkContent(MessageInput input) {
    if (input.getContentCount() == 0) {
      throw ParleyException.invalidArgument("message.content", "must hold at least one part");
    }
    for (int i = 0; i < input.getContentCount(); i++) {
      Value part = input.getContent(i);
      String field = "message.content[" + i + "]";
      if (!part.hasStructValue()) {
        throw ParleyException.invalidArgument(field, "must be an object");
      }
      Value type = part.getStructValue().getFieldsOrDefault("contentType", null);
      if (type == null || !CONTENT_TYPES.contains(type.getStringValue())) {
        throw ParleyException.invalidArgument(
            field + ".contentType", "must be one of " + String.join(", ", CONTENT_TYPES));
      }
      if (type.getStringValue().equals("text")
          && !part.getStructValue()
              .getFieldsOrDefault("body", ProtoJson.nullValue())
              .hasStringValue()) {
        throw ParleyException.invalidArgument(field + ".body", "must be a string");
      }
    }
  }

  @Override
  public void getProposedTitle(
      GetProposedTitleRequest request, StreamObserver<ProposedTitle> response) {
    respond(
        response,
        ProposedTitle.newBuilder()
            .setTitle(assistant.proposeTitle(CallContext.tenantId(), request.getConversationId()))
            .build());
  }

  @Override
  public void listRelatedDocuments(
      ListRelatedDocumentsRequest request, StreamObserver<ListRelatedDocumentsResponse> response) {
    ListRelatedDocumentsResponse.Builder result = ListRelatedDocumentsResponse.newBuilder();
    assistant
        .relatedDocuments(CallContext.tenantId(), request.getConversationId())
        .forEach(document -> result.addDocuments(BedrockMapping.toRelatedDocument(document)));
    respond(response, result.build());
  }

  @Override
  public void getRelatedDocumentPreview(
      GetRelatedDocumentPreviewRequest request, StreamObserver<DocumentPreview> response) {
    String tenantId = CallContext.tenantId();
    RelatedDocument related =
        assistant.relatedDocument(tenantId, request.getConversationId(), request.getSourceId());
    Document document = knowledge.get(tenantId, related.sourceId());
    String url = null;
    if (document.contentType().equals(Knowledge.PDF)) {
      Knowledge.FileLink link = knowledge.fileLink(tenantId, document.id());
      url =
          CallContext.baseUrl()
              + "/parley/v1/knowledge-documents/"
              + link.documentId()
              + "/file?tenant="
              + URLEncoder.encode(link.tenantId(), StandardCharsets.UTF_8)
              + "&expires="
              + link.expires()
              + "&signature="
              + link.signature();
    }
    respond(response, BedrockMapping.toPreview(related, document, url));
  }

  @Override
  public void getRelatedDocument(
      GetRelatedDocumentRequest request,
      StreamObserver<dev.parley.compat.bedrock.v1.RelatedDocument> response) {
    respond(
        response,
        BedrockMapping.toRelatedDocument(
            assistant.relatedDocument(
                CallContext.tenantId(), request.getConversationId(), request.getSourceId())));
  }

  @Override
  public void getConversation(
      GetConversationRequest request,
      StreamObserver<dev.parley.compat.bedrock.v1.Conversation> response) {
    String tenantId = CallContext.tenantId();
    Conversation conversation = conversations.get(tenantId, request.getConversationId());
    respond(
        response,
        BedrockMapping.toConversation(
            conversation, feedback.ofConversation(tenantId, conversation.id())));
  }

  @Override
  public void listConversations(
      ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
    String tenantId = CallContext.tenantId();
    int limit = request.hasLimit() ? request.getLimit() : MAX_LIST;
    if (limit < 1 || limit > MAX_LIST) {
      throw ParleyException.invalidArgument("limit", "must be within 1.." + MAX_LIST);
    }
    Cursor after = null;
    if (!request.getBefore().isEmpty()) {
      Conversation before =
          conversations
              .summary(tenantId, request.getBefore())
              // Not a malformed parameter but one the data refuses: the handler's 400, as
              // upstream's ValueError, rather than FastAPI's 422.
              .orElseThrow(
                  () ->
                      new ParleyException(
                          ErrorCode.INVALID_ARGUMENT,
                          "before: no conversation " + request.getBefore() + " to page from"));
      after = new Cursor(before.createTime(), before.id());
    }
    Conversations.CursorPage page =
        conversations.pageAfter(
            tenantId, ConversationFilter.ALL, SortOrder.CREATED_DESC, after, limit, false);
    ListConversationsResponse.Builder result = ListConversationsResponse.newBuilder();
    page.conversations().forEach(item -> result.addConversations(BedrockMapping.toMeta(item)));
    respond(response, result.build());
  }

  @Override
  public void deleteConversation(
      DeleteConversationRequest request, StreamObserver<HttpBody> response) {
    conversations.delete(CallContext.tenantId(), request.getConversationId());
    respond(response, HttpBodies.jsonNull());
  }

  @Override
  public void deleteAllConversations(
      DeleteAllConversationsRequest request, StreamObserver<HttpBody> response) {
    conversations.deleteAll(CallContext.tenantId(), ConversationFilter.ALL);
    respond(response, HttpBodies.jsonNull());
  }

  @Override
  public void bulkDeleteConversations(
      BulkDeleteConversationsRequest request,
      StreamObserver<BulkDeleteConversationsResponse> response) {
    List<String> ids = request.getConversationIdsList();
    if (ids.isEmpty() || ids.size() > MAX_BULK_DELETE) {
      throw ParleyException.invalidArgument(
          "conversationIds", "must hold 1.." + MAX_BULK_DELETE + " ids");
    }
    Set<String> deleted =
        Set.copyOf(conversations.deleteAll(CallContext.tenantId(), ConversationFilter.ofIds(ids)));
    respond(
        response,
        BulkDeleteConversationsResponse.newBuilder()
            .setDeletedCount(deleted.size())
            .addAllFailedIds(ids.stream().filter(id -> !deleted.contains(id)).distinct().toList())
            .build());
  }

  @Override
  public void searchConversations(
      SearchConversationsRequest request, StreamObserver<SearchConversationsResponse> response) {
    SearchConversationsResponse.Builder result = SearchConversationsResponse.newBuilder();
    conversations
        .search(CallContext.tenantId(), request.getQuery(), MAX_SEARCH_RESULTS)
        .forEach(hit -> result.addResults(BedrockMapping.toSearchResult(hit)));
    respond(response, result.build());
  }

  @Override
  public void updateTitle(UpdateTitleRequest request, StreamObserver<HttpBody> response) {
    if (!request.hasNewTitle()) {
      throw ParleyException.invalidArgument("newTitle", "is required");
    }
    conversations.updateOne(
        CallContext.tenantId(), request.getConversationId(), request.getNewTitle(), null);
    respond(response, HttpBodies.jsonNull());
  }

  @Override
  public void putFeedback(PutFeedbackRequest request, StreamObserver<FeedbackOutput> response) {
    if (!request.hasThumbsUp()) {
      throw ParleyException.invalidArgument("thumbsUp", "is required");
    }
    String category = request.hasCategory() ? request.getCategory() : "";
    if (!request.getThumbsUp() && category.isEmpty()) {
      throw ParleyException.invalidArgument("category", "is required when thumbsUp is false");
    }
    String comment = request.hasComment() ? request.getComment() : "";
    String tenantId = CallContext.tenantId();
    // The conversation first: an unknown conversation is reported as such.
    conversations.checkExists(tenantId, request.getConversationId());
    feedback.rate(
        tenantId,
        request.getConversationId(),
        request.getMessageId(),
        Feedback.Author.USER,
        request.getThumbsUp() ? Feedback.Rating.POSITIVE : Feedback.Rating.NEGATIVE,
        category.isEmpty() ? null : Reasons.toJson(List.of(category)),
        comment.isEmpty() ? null : comment,
        null);
    respond(
        response,
        FeedbackOutput.newBuilder()
            .setThumbsUp(request.getThumbsUp())
            .setCategory(category)
            .setComment(comment)
            .build());
  }
}
