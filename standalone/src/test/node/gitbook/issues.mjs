// GitBook's own API client reading issues and issue clusters from Parley.
// Usage: node issues.mjs <endpoint> <organization> <ingest key> <read key>; prints one JSON object.
import { GitBookAPI } from "@gitbook/api";

const [endpoint, organization, ingestKey, readKey] = process.argv.slice(2);
const installation = new GitBookAPI({ endpoint, authToken: ingestKey });
const user = new GitBookAPI({ endpoint, authToken: readKey });

function check(condition, message) {
  if (!condition) {
    throw new Error("check failed: " + message);
  }
}

const questions = [
  "How do I export my invoices as PDF?",
  "Where can I download an invoice PDF export?",
  "The SSO login with Okta fails with an error.",
  "Okta SSO login error after the last update.",
];
await installation.orgs.ingestConversation(
  organization,
  questions.map((body, i) => ({
    id: `issue-${i}`,
    parts: [{ type: "message", role: "user", body }],
  })),
);

// Clusters are computed a moment after the conversations arrive.
let clusters;
for (let attempt = 0; attempt < 300; attempt++) {
  clusters = await user.orgs.listConversationsIssuesClusters(organization, { orderBy: "issues", order: "desc" });
  const clustered = clusters.data.items.reduce((sum, cluster) => sum + cluster.stats.issues, 0);
  if (clusters.data.count === 2 && clustered === 4) {
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
check(clusters.data.count === 2, "two clusters, got " + JSON.stringify(clusters.data));
const cluster = clusters.data.items[0];
check(cluster.object === "issues-cluster" && cluster.weeklyPulse.length === 13, "a full cluster");

const fetched = await user.orgs.getConversationsIssuesCluster(organization, cluster.id);
check(fetched.data.id === cluster.id && fetched.data.stats.issues === 2, "get a cluster");

const issues = await user.orgs.listConversationsIssues(organization, { cluster: cluster.id, limit: 1 });
check(issues.data.count === 2 && issues.data.items.length === 1 && issues.data.next?.page, "issues of a cluster, paged");
const rest = await user.orgs.listConversationsIssues(organization, { cluster: cluster.id, limit: 1, page: issues.data.next.page });
check(rest.data.items.length === 1 && rest.data.next === undefined, "the last page");

const issue = await user.orgs.getConversationIssueById(organization, issues.data.items[0].issue.id);
check(issue.data.issue.cluster === cluster.id, "get an issue");
check(issue.data.conversation.object === "conversation", "with its conversation");

let missing = 0;
try {
  await user.orgs.getConversationsIssuesCluster(organization, "cl_missing");
} catch (error) {
  missing = error.code ?? error.statusCode ?? error.status ?? -1;
}
check(missing === 404, "unknown cluster is 404, got " + missing);

console.log(JSON.stringify({ clusters: clusters.data.count, labels: clusters.data.items.map((c) => c.label), missing }));
