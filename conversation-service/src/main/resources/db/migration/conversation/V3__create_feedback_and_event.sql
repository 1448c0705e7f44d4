-- Feedback on messages (Inkeep feedback, Bedrock thumbs, Alli ratings) and analytics events
-- logged by clients (Inkeep events), stored here and handed to analytics-service later.

CREATE TABLE conversation.feedback (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  message_id varchar(128) NOT NULL,
  rating varchar(16) NOT NULL,
  reasons_json jsonb,
  details text,
  sources_json jsonb,
  properties_json jsonb,
  user_properties_json jsonb,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  CONSTRAINT feedback_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT feedback_message_fk FOREIGN KEY (tenant_id, conversation_id, message_id)
    REFERENCES conversation.message (tenant_id, conversation_id, id) ON DELETE CASCADE
);

CREATE INDEX feedback_message_idx ON conversation.feedback (tenant_id, conversation_id, message_id);
CREATE INDEX feedback_rating_idx
  ON conversation.feedback (tenant_id, rating, create_time DESC, id DESC);

CREATE TABLE conversation.event (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  type varchar(128) NOT NULL,
  entity_type varchar(16) NOT NULL,
  message_id varchar(128),
  conversation_id varchar(128),
  search_query text,
  project_id varchar(128),
  integration_id varchar(128),
  properties_json jsonb,
  user_properties_json jsonb,
  create_time timestamptz NOT NULL,
  CONSTRAINT event_pk PRIMARY KEY (tenant_id, id)
);

CREATE INDEX event_create_time_idx ON conversation.event (tenant_id, create_time DESC, id DESC);

-- [jooq ignore start]
ALTER TABLE conversation.feedback ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.feedback FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.feedback
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE conversation.event ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.event
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON conversation.feedback, conversation.event TO ${app_role};
-- [jooq ignore stop]
