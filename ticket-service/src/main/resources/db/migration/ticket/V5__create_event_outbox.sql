-- ticket-service's domain events, written in the transaction of each change and read in order
-- by Parley's other services through TicketEventsService.StreamEvents (design: conversation V6).

CREATE TABLE ticket.event_outbox (
  position bigserial NOT NULL,
  tenant_id varchar(64) NOT NULL,
  id uuid NOT NULL,
  type varchar(64) NOT NULL,
  subject_id varchar(128),
  data_json jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT event_outbox_pk PRIMARY KEY (position),
  CONSTRAINT event_outbox_id_uk UNIQUE (id)
);

-- [jooq ignore start]
-- Readers order events by the writing transaction's id, then position, and only read
-- transactions older than every transaction still running: an event can never appear behind a
-- reader's cursor (ordering by position alone would skip events of slower transactions).
ALTER TABLE ticket.event_outbox
  ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX event_outbox_order_idx ON ticket.event_outbox (transaction_id, position);

ALTER TABLE ticket.event_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket.event_outbox FORCE ROW LEVEL SECURITY;
-- The application role writes events of the tenant of its transaction only.
CREATE POLICY tenant_isolation ON ticket.event_outbox
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
-- The schema owner reads every tenant's events, through the function below only.
CREATE POLICY stream_reader ON ticket.event_outbox FOR SELECT TO CURRENT_USER USING (true);

-- The one way for the application role to read events across tenants: in commit-safe order,
-- after a cursor (transaction id, position), a bounded batch. Serving them is an internal
-- method: no API key can call it.
CREATE FUNCTION ticket.events_after(
    after_transaction bigint, after_position bigint, max_events integer)
  RETURNS TABLE (transaction_id bigint, "position" bigint, tenant_id varchar, id uuid,
                 type varchar, subject_id varchar, data_json jsonb, created_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, ticket
  AS $$
    SELECT e.transaction_id::text::bigint, e.position, e.tenant_id, e.id, e.type, e.subject_id,
           e.data_json, e.created_at
      FROM ticket.event_outbox AS e
     WHERE (e.transaction_id, e.position) > (after_transaction::text::xid8, after_position)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.position
     LIMIT max_events
  $$;

-- Streams wait on this channel; PostgreSQL delivers the notification when the writing
-- transaction commits, and never for one that rolls back.
CREATE FUNCTION ticket.notify_event_streams() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_notify('parley_ticket_events', '');
      RETURN NULL;
    END
  $$;
CREATE TRIGGER event_outbox_notify AFTER INSERT ON ticket.event_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION ticket.notify_event_streams();

REVOKE ALL ON FUNCTION ticket.events_after(bigint, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ticket.events_after(bigint, bigint, integer) TO ${app_role};
GRANT INSERT ON ticket.event_outbox TO ${app_role};
GRANT USAGE ON SEQUENCE ticket.event_outbox_position_seq TO ${app_role};
-- [jooq ignore stop]
