-- Tickets as ticket-service's event stream tells them, for the native query API's tickets view.

CREATE TABLE analytics.query_ticket (
  tenant_id varchar(64) NOT NULL,
  id varchar(64) NOT NULL,
  ticket_number integer NOT NULL,
  status varchar(32) NOT NULL,
  priority varchar(32),
  channel_source varchar(64),
  assignee varchar(200),
  conversation_id varchar(128),
  distinct_id varchar(200),
  message_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT query_ticket_pk PRIMARY KEY (tenant_id, id)
);

CREATE INDEX query_ticket_time_idx ON analytics.query_ticket (tenant_id, created_at);

-- [jooq ignore start]
ALTER TABLE analytics.query_ticket ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.query_ticket FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics.query_ticket
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON analytics.query_ticket TO ${app_role};
-- [jooq ignore stop]
