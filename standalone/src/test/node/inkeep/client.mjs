// Inkeep's SDK against Parley: every call goes through the SDK's own request building and
// response validation (zod), so a field Parley gets wrong fails here.
// Usage: node client.mjs <serverURL> <api key> <web key>; prints one JSON object on success.
import { InkeepAnalytics } from "@inkeep/inkeep-analytics";
import * as errors from "@inkeep/inkeep-analytics/models/errors";

const [serverURL, apiKey, webKey] = process.argv.slice(2);
const api = new InkeepAnalytics({ serverURL, apiIntegrationKey: apiKey });
const web = new InkeepAnalytics({ serverURL });

function check(condition, message) {
  if (!condition) {
    throw new Error("check failed: " + message);
  }
}

const logged = await web.conversations.log({ webIntegrationKey: webKey }, {
  id: "sdk-conversation-1",
  externalId: "sdk-external-1",
  type: "openai",
  createdAt: new Date("2026-03-01T09:00:00.000Z"),
  properties: { page: "/docs/start", attempt: 2 },
  userProperties: { id: "user-7", identificationType: "COOKIED", additionalProperties: { plan: "pro" } },
  tags: ["docs"],
  messages: [
    { role: "user", content: "How do I rotate an API key?" },
    {
      role: "assistant",
      content: "Create a new key, deploy it, then revoke the old one.",
      links: [{ url: "https://docs.example.com/keys", label: "Keys", title: "API keys" }],
    },
  ],
});
check(logged.id === "sdk-conversation-1", "log returns the id");
check(logged.type === "openai", "log returns the type");
check(logged.messages.length === 2, "log returns both messages");
check(logged.messagesOpenAIFormat.length === 2, "messagesOpenAIFormat is present");

const relogged = await web.conversations.log({ webIntegrationKey: webKey }, {
  id: "sdk-conversation-1",
  externalId: "sdk-external-1",
  type: "openai",
  messages: [
    { role: "user", content: "How do I rotate an API key?" },
    { role: "assistant", content: "Create a new key, deploy it, then revoke the old one." },
    { role: "user", content: "Thanks!" },
  ],
});
check(relogged.messages.length === 3, "re-logging replaces the message list");
check(relogged.messages[0].id === logged.messages[0].id, "resent messages keep their ids");

const fetched = await web.conversations.get({ webIntegrationKey: webKey }, { id: "sdk-conversation-1" });
check(fetched.messages.length === 3, "a web key reads one conversation");

const byExternal = await api.conversation.getConversationByExternalId({ externalId: "sdk-external-1" });
check(byExternal.id === "sdk-conversation-1", "lookup by external id");

const list = await api.conversations.list({ limit: 10, offset: 0 });
check(list.conversations.some((c) => c.id === "sdk-conversation-1"), "list contains the conversation");

let webListStatus = 0;
try {
  await new InkeepAnalytics({ serverURL, apiIntegrationKey: webKey }).conversations.list({});
} catch (error) {
  webListStatus = error.statusCode ?? (error instanceof errors.Forbidden ? 403 : -1);
}
check(webListStatus === 403, "a web key cannot list conversations, got " + webListStatus);

let missingStatus = 0;
try {
  await api.conversations.get({ apiIntegrationKey: apiKey }, { id: "no-such-conversation" });
} catch (error) {
  missingStatus = error.statusCode ?? -1;
}
check(missingStatus === 404, "unknown conversation is 404, got " + missingStatus);

// Feedback (the SDK wires only the API key for it) and an event, then read the feedback back.
const feedback = await api.feedback.submit({
  type: "positive",
  messageId: relogged.messages[1].id,
  reasons: [{ label: "Accurate", details: "Worked first time" }],
});
check(feedback.type === "positive" && feedback.messageId === relogged.messages[1].id, "feedback is stored");
const allFeedback = await api.feedback.list({ limit: 10 });
check(allFeedback.positiveFeedbackCount === 1, "feedback is listed");
check(allFeedback.positiveFeedback[0].message.id === relogged.messages[1].id, "with its message");
const one = await api.feedback.getFeedbackById({ id: feedback.id });
check(one.conversation.id === "sdk-conversation-1", "with its conversation");
const event = await web.events.log({ webIntegrationKey: webKey }, {
  type: "message_code_snippet_copied",
  entityType: "message",
  messageId: relogged.messages[1].id,
  properties: { language: "bash" },
});
check(event.type === "message_code_snippet_copied", "the event is stored");

const deleted = await api.conversations.delete({ apiIntegrationKey: apiKey }, { id: "sdk-conversation-1" });
check(deleted.success === true, "delete succeeds");

console.log(JSON.stringify({
  logged: logged.id,
  messages: relogged.messages.length,
  listed: list.total,
  webListStatus,
  missingStatus,
  deleted: deleted.success,
  feedback: allFeedback.positiveFeedbackCount,
  event: event.entityType,
}));
