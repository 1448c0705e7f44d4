package dev.parley.analytics.compat.gitbook;

import static com.google.common.base.Strings.emptyToNull;
import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.IssueStore.ClusterOrder;
import dev.parley.analytics.domain.IssueStore.ClusterView;
import dev.parley.analytics.domain.IssueStore.IssueView;
import dev.parley.analytics.domain.Issues;
import dev.parley.compat.gitbook.v1.ClusterStats;
import dev.parley.compat.gitbook.v1.ClusterUrls;
import dev.parley.compat.gitbook.v1.Conversation;
import dev.parley.compat.gitbook.v1.ConversationIssue;
import dev.parley.compat.gitbook.v1.ConversationUrls;
import dev.parley.compat.gitbook.v1.ConversationsIssuesCluster;
import dev.parley.compat.gitbook.v1.GetConversationIssueRequest;
import dev.parley.compat.gitbook.v1.GetConversationsIssuesClusterRequest;
import dev.parley.compat.gitbook.v1.GitBookIssuesServiceGrpc;
import dev.parley.compat.gitbook.v1.IssueUrls;
import dev.parley.compat.gitbook.v1.IssueWithConversation;
import dev.parley.compat.gitbook.v1.ListConversationsIssuesClustersRequest;
import dev.parley.compat.gitbook.v1.ListConversationsIssuesClustersResponse;
import dev.parley.compat.gitbook.v1.ListConversationsIssuesInClusterRequest;
import dev.parley.compat.gitbook.v1.ListConversationsIssuesRequest;
import dev.parley.compat.gitbook.v1.ListConversationsIssuesResponse;
import dev.parley.compat.gitbook.v1.NextPage;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.time.Iso8601;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** GitBook's conversation issues and issue clusters. */
public final class GitBookIssuesGrpcService
    extends GitBookIssuesServiceGrpc.GitBookIssuesServiceImplBase {
  private static final String ORGANIZATION = "Organization";

  private final Issues issues;

  @Inject
  public GitBookIssuesGrpcService(Issues issues) {
    this.issues = requireNonNull(issues, "issues is null");
  }

  @Override
  public void listConversationsIssues(
      ListConversationsIssuesRequest request,
      StreamObserver<ListConversationsIssuesResponse> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    Issues.Page<IssueView> page =
        issues.list(
            tenantId,
            emptyToNull(request.getCluster()),
            emptyToNull(request.getConversation()),
            request.getPage(),
            request.hasLimit() ? request.getLimit() : null);
    respond(response, issuePage(tenantId, page));
  }

  @Override
  public void getConversationIssue(
      GetConversationIssueRequest request, StreamObserver<IssueWithConversation> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    respond(response, toIssue(tenantId, issues.get(tenantId, request.getIssueId())));
  }

  @Override
  public void listConversationsIssuesInCluster(
      ListConversationsIssuesInClusterRequest request,
      StreamObserver<ListConversationsIssuesResponse> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    Issues.Page<IssueView> page =
        issues.listInCluster(
            tenantId,
            request.getClusterId(),
            request.getPage(),
            request.hasLimit() ? request.getLimit() : null);
    respond(response, issuePage(tenantId, page));
  }

  @Override
  public void listConversationsIssuesClusters(
      ListConversationsIssuesClustersRequest request,
      StreamObserver<ListConversationsIssuesClustersResponse> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    boolean ascending =
        switch (request.getOrder()) {
          case "", "desc" -> false;
          case "asc" -> true;
          default -> throw ParleyException.invalidArgument("order", "must be asc or desc");
        };
    ClusterOrder order =
        switch (request.getOrderBy()) {
          case "", "updatedAt" -> ClusterOrder.UPDATED_AT;
          case "issues" -> ClusterOrder.ISSUES;
          case "conversations" -> ClusterOrder.CONVERSATIONS;
          // Parley makes no change-request tasks: every cluster has 0 of them.
          case "tasksTotal", "tasksBacklog", "tasksStarted" -> ClusterOrder.UPDATED_AT;
          default ->
              throw ParleyException.invalidArgument(
                  "orderBy",
                  "must be updatedAt, issues, conversations, tasksTotal, tasksBacklog or"
                      + " tasksStarted");
        };
    ListConversationsIssuesClustersResponse.Builder result =
        ListConversationsIssuesClustersResponse.newBuilder();
    switch (request.getStatus()) {
      case "" -> {
        Issues.Page<ClusterView> page =
            issues.clusters(
                tenantId,
                order,
                ascending,
                request.getPage(),
                request.hasLimit() ? request.getLimit() : null);
        page.items().forEach(cluster -> result.addItems(toCluster(tenantId, cluster)));
        result.setCount(page.total());
        if (page.nextToken() != null) {
          result.setNext(NextPage.newBuilder().setPage(page.nextToken()));
        }
      }
      // Clusters are complete once computed: none is pending or being analysed.
      case "pending", "analysing" -> result.setCount(0);
      default -> throw ParleyException.invalidArgument("status", "must be pending or analysing");
    }
    respond(response, result.build());
  }

  @Override
  public void getConversationsIssuesCluster(
      GetConversationsIssuesClusterRequest request,
      StreamObserver<ConversationsIssuesCluster> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    respond(response, toCluster(tenantId, issues.getCluster(tenantId, request.getClusterId())));
  }

  private static ListConversationsIssuesResponse issuePage(
      String tenantId, Issues.Page<IssueView> page) {
    ListConversationsIssuesResponse.Builder result =
        ListConversationsIssuesResponse.newBuilder().setCount(page.total());
    page.items().forEach(issue -> result.addItems(toIssue(tenantId, issue)));
    if (page.nextToken() != null) {
      result.setNext(NextPage.newBuilder().setPage(page.nextToken()));
    }
    return result.build();
  }

  private static String orgUrl(String tenantId) {
    return CallContext.baseUrl() + "/gitbook/v1/orgs/" + tenantId;
  }

  static IssueWithConversation toIssue(String tenantId, IssueView view) {
    ConversationIssue.Builder issue =
        ConversationIssue.newBuilder()
            .setObject("conversation-issue")
            .setId(view.id())
            .setTitle(view.title())
            .setSummary(view.summary())
            .setCreatedAt(Iso8601.format(view.createdAt()))
            .setIngestedAt(Iso8601.format(view.ingestedAt()))
            .setConversation(view.conversationId())
            .setUrls(
                IssueUrls.newBuilder()
                    .setLocation(orgUrl(tenantId) + "/conversations-issues/" + view.id()));
    if (view.clusterId() != null) {
      issue.setCluster(view.clusterId());
    }
    ConversationUrls.Builder urls =
        ConversationUrls.newBuilder()
            .setLocation(orgUrl(tenantId) + "/conversations/" + view.conversationId());
    if (view.conversationUrl() != null) {
      urls.setSource(view.conversationUrl());
    }
    Conversation.Builder conversation =
        Conversation.newBuilder()
            .setObject("conversation")
            .setId(view.conversationId())
            .setCreatedAt(Iso8601.format(view.conversationCreatedAt()))
            .setProcessedAt(Iso8601.format(view.ingestedAt()))
            .setSource(view.conversationSource())
            .setUrls(urls);
    if (view.conversationSubject() != null) {
      conversation.setSubject(view.conversationSubject());
    }
    return IssueWithConversation.newBuilder().setIssue(issue).setConversation(conversation).build();
  }

  static ConversationsIssuesCluster toCluster(String tenantId, ClusterView view) {
    String location = orgUrl(tenantId) + "/conversations-clusters/" + view.id();
    return ConversationsIssuesCluster.newBuilder()
        .setObject("issues-cluster")
        .setId(view.id())
        .setLabel(view.label())
        .setCreatedAt(Iso8601.format(view.createdAt()))
        .setUpdatedAt(Iso8601.format(view.updatedAt()))
        .setIcon(view.icon())
        .setSummary(view.summary())
        .addAllWeeklyPulse(view.weeklyPulse())
        .putAllSources(view.sources())
        .setStats(
            ClusterStats.newBuilder()
                .setIssues(view.issues())
                .setConversations(view.conversations()))
        .setUrls(ClusterUrls.newBuilder().setLocation(location).setApp(location + "/issues"))
        .build();
  }
}
