package dev.parley.conversation.api;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.parley.conversation.domain.Document;
import dev.parley.conversation.domain.Knowledge;
import dev.parley.conversation.domain.KnowledgeSearch;
import dev.parley.conversation.v1.CreateKnowledgeDocumentRequest;
import dev.parley.conversation.v1.DeleteKnowledgeDocumentRequest;
import dev.parley.conversation.v1.GetKnowledgeDocumentFileRequest;
import dev.parley.conversation.v1.GetKnowledgeDocumentRequest;
import dev.parley.conversation.v1.KnowledgeDocument;
import dev.parley.conversation.v1.KnowledgePassage;
import dev.parley.conversation.v1.KnowledgeServiceGrpc;
import dev.parley.conversation.v1.ListKnowledgeDocumentsRequest;
import dev.parley.conversation.v1.ListKnowledgeDocumentsResponse;
import dev.parley.conversation.v1.SearchKnowledgeRequest;
import dev.parley.conversation.v1.SearchKnowledgeResponse;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.ProtoTime;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** The native KnowledgeService, also REST at /parley/v1/knowledge-documents. */
public final class KnowledgeGrpcService extends KnowledgeServiceGrpc.KnowledgeServiceImplBase {
  private final Knowledge knowledge;
  private final KnowledgeSearch search;

  @Inject
  public KnowledgeGrpcService(Knowledge knowledge, KnowledgeSearch search) {
    this.knowledge = requireNonNull(knowledge, "knowledge is null");
    this.search = requireNonNull(search, "search is null");
  }

  @Override
  public void createKnowledgeDocument(
      CreateKnowledgeDocumentRequest request, StreamObserver<KnowledgeDocument> response) {
    String tenantId = CallContext.tenantId();
    Document added;
    if (request.getPdf().isEmpty()) {
      added =
          knowledge.add(
              tenantId,
              request.getTitle(),
              request.getContent(),
              request.getContentType(),
              request.getSourceLink());
    } else {
      if (!request.getContent().isEmpty()) {
        throw ParleyException.invalidArgument("content", "send content or a PDF, not both");
      }
      if (!request.getContentType().isEmpty() && !request.getContentType().equals(Knowledge.PDF)) {
        throw ParleyException.invalidArgument("contentType", "must be application/pdf with a PDF");
      }
      added =
          knowledge.addPdf(
              tenantId,
              request.getTitle(),
              request.getPdf().toByteArray(),
              request.getSourceLink());
    }
    respond(response, toProto(added));
  }

  @Override
  public void listKnowledgeDocuments(
      ListKnowledgeDocumentsRequest request,
      StreamObserver<ListKnowledgeDocumentsResponse> response) {
    Knowledge.Page page =
        knowledge.list(CallContext.tenantId(), request.getPageSize(), request.getPageToken());
    ListKnowledgeDocumentsResponse.Builder result = ListKnowledgeDocumentsResponse.newBuilder();
    page.documents().forEach(document -> result.addDocuments(toProto(document)));
    if (page.nextToken() != null) {
      result.setNextPageToken(page.nextToken());
    }
    respond(response, result.build());
  }

  @Override
  public void getKnowledgeDocument(
      GetKnowledgeDocumentRequest request, StreamObserver<KnowledgeDocument> response) {
    respond(response, toProto(knowledge.get(CallContext.tenantId(), request.getDocumentId())));
  }

  @Override
  public void searchKnowledge(
      SearchKnowledgeRequest request, StreamObserver<SearchKnowledgeResponse> response) {
    SearchKnowledgeResponse.Builder result = SearchKnowledgeResponse.newBuilder();
    for (KnowledgeSearch.Hit hit :
        search.search(CallContext.tenantId(), request.getQuery(), request.getPageSize())) {
      KnowledgePassage.Builder passage =
          KnowledgePassage.newBuilder()
              .setDocumentId(hit.passage().documentId())
              .setTitle(hit.passage().title())
              .setOrdinal(hit.passage().ordinal())
              .setText(hit.passage().text())
              .setScore(hit.score());
      if (hit.passage().sourceLink() != null) {
        passage.setSourceLink(hit.passage().sourceLink());
      }
      result.addPassages(passage);
    }
    respond(response, result.build());
  }

  @Override
  public void getKnowledgeDocumentFile(
      GetKnowledgeDocumentFileRequest request, StreamObserver<HttpBody> response) {
    byte[] file =
        knowledge.file(
            new Knowledge.FileLink(
                request.getTenant(),
                request.getDocumentId(),
                request.getExpires(),
                request.getSignature()));
    respond(
        response,
        HttpBody.newBuilder()
            .setContentType(Knowledge.PDF)
            .setData(ByteString.copyFrom(file))
            .build());
  }

  @Override
  public void deleteKnowledgeDocument(
      DeleteKnowledgeDocumentRequest request, StreamObserver<Empty> response) {
    knowledge.delete(CallContext.tenantId(), request.getDocumentId());
    respond(response, Empty.getDefaultInstance());
  }

  private static KnowledgeDocument toProto(Document document) {
    KnowledgeDocument.Builder proto =
        KnowledgeDocument.newBuilder()
            .setId(document.id())
            .setTitle(document.title())
            .setContentType(document.contentType())
            .setSizeBytes(document.sizeBytes())
            .setCreateTime(ProtoTime.timestamp(document.createTime()))
            .setUpdateTime(ProtoTime.timestamp(document.updateTime()));
    if (document.content() != null) {
      proto.setContent(document.content());
    }
    if (document.sourceLink() != null) {
      proto.setSourceLink(document.sourceLink());
    }
    if (document.pageCount() != null) {
      proto.setPageCount(document.pageCount());
    }
    return proto.build();
  }
}
