-- The messages recorded on a ticket, by id, so that recording a message twice (a retried call,
-- a re-escalated conversation) counts it once; their text serves the list's search.

CREATE TABLE ticket.ticket_message (
  tenant_id varchar(64) NOT NULL,
  ticket_id uuid NOT NULL,
  message_id varchar(128) NOT NULL,
  from_customer boolean NOT NULL,
  body text,
  created_at timestamptz NOT NULL,
  CONSTRAINT ticket_message_pk PRIMARY KEY (tenant_id, ticket_id, message_id),
  CONSTRAINT ticket_message_ticket_fk FOREIGN KEY (tenant_id, ticket_id)
    REFERENCES ticket.ticket (tenant_id, id) ON DELETE CASCADE
);

-- [jooq ignore start]
ALTER TABLE ticket.ticket_message ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket.ticket_message FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket.ticket_message
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON ticket.ticket_message TO ${app_role};
-- [jooq ignore stop]
