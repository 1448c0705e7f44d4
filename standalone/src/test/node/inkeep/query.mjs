// Inkeep's SDK query functions against Parley: the SDK validates every answer with its schemas.
// Usage: node query.mjs <serverURL> <api key> <web key>; prints one JSON object on success.
import { InkeepAnalytics } from "@inkeep/inkeep-analytics";

const [serverURL, apiKey, webKey] = process.argv.slice(2);
// No retries: a 5xx answer fails the run at once instead of being retried for minutes.
const retryConfig = { strategy: "none" };
const api = new InkeepAnalytics({ serverURL, apiIntegrationKey: apiKey, retryConfig });
const web = new InkeepAnalytics({ serverURL, retryConfig });

function check(condition, message) {
  if (!condition) {
    throw new Error("check failed: " + message);
  }
}

for (const [id, day, page] of [["sdk-q-1", "2026-03-01", "/docs/start"], ["sdk-q-2", "2026-03-02", "/docs/keys"]]) {
  await web.conversations.log({ webIntegrationKey: webKey }, {
    id,
    type: "openai",
    properties: { page },
    userProperties: { id: "user-" + id, additionalProperties: {} },
    messages: [{ role: "user", content: "How do I rotate an API key?", createdAt: new Date(day + "T09:00:00.000Z") }],
  });
}
await web.events.log({ webIntegrationKey: webKey }, {
  type: "search", entityType: "search", searchQuery: "rotate key",
  userProperties: { id: "user-sdk-q-1", additionalProperties: {} },
});

// analytics-service learns them from the event stream a moment later.
const countPerDay = {
  select: [
    { type: "aggregation", aggregation: "count" },
    { type: "time", timeUnit: "day", field: "firstMessageTime" },
  ],
  orderBy: [{ field: "firstMessageTime_day", direction: "asc" }],
};
let perDay;
for (let attempt = 0; attempt < 300; attempt++) {
  perDay = await api.query.conversations(countPerDay);
  if (perDay.data.result.length === 2) {
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
check(perDay.status === "ok", "status ok");
check(perDay.data.result.length === 2, "two days, got " + JSON.stringify(perDay.data));
check(perDay.data.result[0].count === 1, "count is a number");
check(perDay.data.result[0].firstMessageTimeDay.startsWith("2026-03-01"), "the day bucket");

const pages = await api.query.conversations({
  select: [{ type: "field", field: "id" }, { type: "field", field: "userMessageCount" }, { type: "field", field: "firstMessageTime" }],
  where: { condition: { field: "properties", operator: "jsonContains", value: { page: "/docs/keys" } } },
});
check(pages.data.result.length === 1 && pages.data.result[0].id === "sdk-q-2", "a JSON filter");
check(pages.data.result[0].firstMessageTime instanceof Date, "times parse as dates");

let searches;
for (let attempt = 0; attempt < 300; attempt++) {
  searches = await api.query.queryEvents({
    select: [{ type: "field", field: "searchQuery" }],
    where: { condition: { field: "eventType", operator: "eq", value: "search" } },
  });
  if (searches.data.count === 1) {
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
check(searches.data.result[0].searchQuery === "rotate key", "events view");
const feedback = await api.query.queryFeedback({ select: [{ type: "aggregation", aggregation: "count" }] });
check(feedback.data.result[0].count === 0, "feedback view");

const keys = await api.query.queryPropertyKeys({ field: "properties", views: ["conversations_view"] });
check(JSON.stringify(keys.results) === JSON.stringify(["page"]), "property keys " + JSON.stringify(keys));
const values = await api.query.queryPropertyValues({ field: "properties", key: "page" });
check(values.results.length === 2, "property values " + JSON.stringify(values));

const top = await api.topSearchQueries({});
check(top.data.result[0].searchQuery === "rotate key" && top.data.result[0].count === "1", "top searches " + JSON.stringify(top));
const weekly = await api.weeklySearchUsers({});
check(weekly.data.result[0].uniqueUsers === "1", "weekly users " + JSON.stringify(weekly));

// One semantic thread per conversation whose user asked something: its question and subject.
const threads = {
  select: [
    { type: "field", field: "question" },
    { type: "field", field: "conversationIds", mode: "json" },
  ],
  orderBy: [{ field: "firstMessageTime", direction: "asc" }],
};
let semantic;
for (let attempt = 0; attempt < 300; attempt++) {
  semantic = await api.query.querySemanticThreads(threads);
  if (semantic.data.total === 2) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
check(semantic.data.result[0].question === "How do I rotate an API key?", "threads " + JSON.stringify(semantic));

console.log(JSON.stringify({
  days: perDay.data.result.length,
  searches: searches.data.count,
  keys: keys.results,
  top: top.data.result[0].searchQuery,
  semanticThreads: semantic.data.total,
  threadConversations: semantic.data.result.map((row) => row.conversationIds),
}));
