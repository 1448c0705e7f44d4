// GitBook's own API client (@gitbook/api 0.146.0, the last with the Conversations API) against
// Parley: ingest a batch, list it back with the cursor, read one conversation, hit a 404.
// Usage: node client.mjs <endpoint> <organization> <ingest key> <read key>; prints one JSON object.
import { GitBookAPI } from "@gitbook/api";

const [endpoint, organization, ingestKey, readKey] = process.argv.slice(2);
const installation = new GitBookAPI({ endpoint, authToken: ingestKey });
const user = new GitBookAPI({ endpoint, authToken: readKey });

function check(condition, message) {
  if (!condition) {
    throw new Error("check failed: " + message);
  }
}

const inputs = [];
for (let i = 0; i < 5; i++) {
  inputs.push({
    id: `sdk-${i}`,
    subject: `Question ${i}`,
    metadata: { url: `https://support.example.com/c/${i}`, attributes: { team: "docs" }, createdAt: `2026-07-01T00:00:0${i}Z` },
    parts: [
      { type: "message", role: "user", body: `How do I do thing ${i}?` },
      { type: "message", role: "team-member", body: "Like this." },
    ],
  });
}
const ingested = await installation.orgs.ingestConversation(organization, inputs);
check(ingested.status === 204, "ingest answers 204, got " + ingested.status);
const single = await installation.orgs.ingestConversation(organization, inputs[0]);
check(single.status === 204, "a single object is accepted too");

const seen = [];
let page;
let pages = 0;
do {
  const response = await user.orgs.listConversations(organization, { limit: 2, page });
  check(response.data.count === 5, "count is 5, got " + response.data.count);
  for (const item of response.data.items) {
    check(item.object === "conversation", "items are conversations");
    seen.push(item.id);
  }
  page = response.data.next?.page;
  pages++;
} while (page);
check(seen.length === 5 && new Set(seen).size === 5, "five distinct conversations over the pages");

const one = await user.orgs.getConversationById(organization, seen[0]);
check(one.data.conversation.subject === "Question 4", "newest first: " + one.data.conversation.subject);
check(one.data.parts.length === 2 && one.data.parts[1].role === "team-member", "parts come back");
check(one.data.metadata.attributes.team === "docs", "attributes come back");

let missing = 0;
try {
  await user.orgs.getConversationById(organization, "no-such-conversation");
} catch (error) {
  missing = error.code ?? error.statusCode ?? error.status ?? -1;
}
check(missing === 404, "unknown conversation is 404, got " + missing);

console.log(JSON.stringify({ pages, seen: seen.length, subject: one.data.conversation.subject, missing }));
