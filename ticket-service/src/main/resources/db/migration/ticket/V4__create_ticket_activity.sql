-- What changed on a ticket, by whom and when: status, priority, SLA and assignee changes, as
-- PostHog's activity log records them.

CREATE TABLE ticket.ticket_activity (
  tenant_id varchar(64) NOT NULL,
  id uuid NOT NULL,
  ticket_id uuid NOT NULL,
  field varchar(32) NOT NULL,
  before_value varchar(256),
  after_value varchar(256),
  actor varchar(128) NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT ticket_activity_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT ticket_activity_ticket_fk FOREIGN KEY (tenant_id, ticket_id)
    REFERENCES ticket.ticket (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX ticket_activity_ticket_idx ON ticket.ticket_activity (tenant_id, ticket_id, created_at);

-- [jooq ignore start]
ALTER TABLE ticket.ticket_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket.ticket_activity FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket.ticket_activity
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON ticket.ticket_activity TO ${app_role};
-- [jooq ignore stop]
