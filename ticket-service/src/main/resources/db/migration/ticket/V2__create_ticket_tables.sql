-- Support tickets (PostHog's ticket API and the native TicketService).
-- Ticket numbers are allocated per tenant from ticket_counter, in the transaction that inserts
-- the ticket: the counter row's lock serializes concurrent creates (no duplicates) and a rolled
-- back create gives its number back (no gaps).

CREATE SCHEMA IF NOT EXISTS ticket;

CREATE TABLE ticket.ticket_counter (
  tenant_id varchar(64) NOT NULL,
  last_number integer NOT NULL,
  CONSTRAINT ticket_counter_pk PRIMARY KEY (tenant_id)
);

CREATE TABLE ticket.ticket (
  tenant_id varchar(64) NOT NULL,
  id uuid NOT NULL,
  ticket_number integer NOT NULL,
  channel_source varchar(16) NOT NULL,
  distinct_id varchar(400) NOT NULL,
  status varchar(16) NOT NULL,
  priority varchar(16),
  assignee_type varchar(8),
  assignee_id varchar(64),
  anonymous_traits_json jsonb NOT NULL,
  ai_resolved boolean NOT NULL,
  escalation_reason text,
  message_count integer NOT NULL,
  last_message_at timestamptz,
  last_message_text varchar(500),
  unread_team_count integer NOT NULL,
  unread_customer_count integer NOT NULL,
  session_id varchar(64),
  session_context_json jsonb NOT NULL,
  sla_due_at timestamptz,
  snoozed_until timestamptz,
  tags_json jsonb NOT NULL,
  conversation_id varchar(128),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT ticket_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT ticket_number_uk UNIQUE (tenant_id, ticket_number),
  CONSTRAINT ticket_assignee_ck CHECK ((assignee_type IS NULL) = (assignee_id IS NULL))
);

CREATE INDEX ticket_updated_idx ON ticket.ticket (tenant_id, updated_at DESC, id);
CREATE UNIQUE INDEX ticket_conversation_uk ON ticket.ticket (tenant_id, conversation_id);

-- [jooq ignore start]
-- unread_count sums unread_team_count over the tenant's unresolved tickets with unread messages:
-- an index-only scan of exactly those rows.
CREATE INDEX ticket_unread_idx ON ticket.ticket (tenant_id, unread_team_count)
  WHERE status <> 'resolved' AND unread_team_count > 0;

ALTER TABLE ticket.ticket ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket.ticket FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket.ticket
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE ticket.ticket_counter ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket.ticket_counter FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket.ticket_counter
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON ticket.ticket, ticket.ticket_counter TO ${app_role};
-- [jooq ignore stop]
