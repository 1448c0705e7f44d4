-- Conversations and their messages: the one store behind every dialect.
-- Every key starts with tenant_id, so the schema can be distributed by tenant.

CREATE SCHEMA IF NOT EXISTS conversation;

CREATE TABLE conversation.conversation (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  external_id varchar(256),
  external_url text,
  kind varchar(32) NOT NULL,
  title text,
  source varchar(32) NOT NULL,
  visibility varchar(16),
  support_ticket_conversation_id varchar(128),
  project_id varchar(128),
  integration_id varchar(128),
  properties_json jsonb,
  user_properties_json jsonb,
  tags_json jsonb,
  message_count integer NOT NULL DEFAULT 0,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  CONSTRAINT conversation_pk PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX conversation_external_id_uk
  ON conversation.conversation (tenant_id, external_id);
CREATE INDEX conversation_create_time_idx
  ON conversation.conversation (tenant_id, create_time DESC, id DESC);

-- Messages keep their order (position) and a parent link, so a flat list and a
-- Bedrock-style tree are two views of the same rows.
CREATE TABLE conversation.message (
  tenant_id varchar(64) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  id varchar(128) NOT NULL,
  position integer NOT NULL,
  parent_id varchar(128),
  role varchar(64) NOT NULL,
  content_json jsonb,
  name text,
  external_id varchar(256),
  external_url text,
  links_json jsonb,
  tool_calls_json jsonb,
  properties_json jsonb,
  user_properties_json jsonb,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  CONSTRAINT message_pk PRIMARY KEY (tenant_id, conversation_id, id),
  CONSTRAINT message_conversation_fk FOREIGN KEY (tenant_id, conversation_id)
    REFERENCES conversation.conversation (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX message_position_idx ON conversation.message (tenant_id, conversation_id, position);
CREATE INDEX message_id_idx ON conversation.message (tenant_id, id);

-- [jooq ignore start]
ALTER TABLE conversation.conversation ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.conversation FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.conversation
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE conversation.message ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.message FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.message
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT USAGE ON SCHEMA conversation TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON conversation.conversation, conversation.message TO ${app_role};
-- [jooq ignore stop]
