-- What analytics-service learns from conversation-service's event stream: where it is in the
-- stream, which events it applied (each once), and the day each conversation started.

CREATE SCHEMA IF NOT EXISTS analytics;

-- The position of each consumed stream; written in the transaction that applies an event.
CREATE TABLE analytics.stream_cursor (
  stream varchar(64) NOT NULL,
  cursor varchar(256) NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT stream_cursor_pk PRIMARY KEY (stream)
);

-- Events already applied, so that a replayed event (after a crash, before the cursor moved)
-- changes nothing.
CREATE TABLE analytics.applied_event (
  tenant_id varchar(64) NOT NULL,
  event_id uuid NOT NULL,
  applied_at timestamptz NOT NULL,
  CONSTRAINT applied_event_pk PRIMARY KEY (tenant_id, event_id)
);

-- One row per existing conversation: the UTC day it started.
CREATE TABLE analytics.conversation_day (
  tenant_id varchar(64) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  day date NOT NULL,
  CONSTRAINT conversation_day_pk PRIMARY KEY (tenant_id, conversation_id)
);

CREATE INDEX conversation_day_day_idx ON analytics.conversation_day (tenant_id, day);

-- [jooq ignore start]
ALTER TABLE analytics.applied_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.applied_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics.applied_event
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE analytics.conversation_day ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.conversation_day FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics.conversation_day
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE
  ON analytics.stream_cursor, analytics.applied_event, analytics.conversation_day TO ${app_role};
-- [jooq ignore stop]
