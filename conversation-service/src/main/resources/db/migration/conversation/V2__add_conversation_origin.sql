-- Where a conversation came from within its front door: GitBook's ConversationSource
-- ("integration:<integration>:<installation>", "email"). Ingest is idempotent per origin and id.

ALTER TABLE conversation.conversation ADD COLUMN origin varchar(256);

CREATE INDEX conversation_origin_idx
  ON conversation.conversation (tenant_id, origin, create_time DESC, id DESC);
