-- Platform-owned, like V1: every service's schema gets the outbox its domain events are written
-- to and the cursors of the streams it follows, from this one script (platform/events: Outbox,
-- OutboxStream, StreamCursors). Written so that it also applies, changing nothing, where a
-- service's own scripts created these objects before platform owned them.

-- Domain events, written in the transaction of each change and read in order by Parley's other
-- services through the service's <Domain>EventsService.StreamEvents.
-- Readers order events by the writing transaction's id, then position, and only read
-- transactions older than every transaction still running: an event can never appear behind a
-- reader's cursor (ordering by position alone would skip events of slower transactions).
CREATE TABLE IF NOT EXISTS ${flyway:defaultSchema}.event_outbox (
  position bigserial NOT NULL,
  tenant_id varchar(64) NOT NULL,
  id uuid NOT NULL,
  type varchar(64) NOT NULL,
  subject_id varchar(128),
  data_json jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT event_outbox_pk PRIMARY KEY (position),
  CONSTRAINT event_outbox_id_uk UNIQUE (id)
);
CREATE INDEX IF NOT EXISTS event_outbox_order_idx
  ON ${flyway:defaultSchema}.event_outbox (transaction_id, position);

ALTER TABLE ${flyway:defaultSchema}.event_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${flyway:defaultSchema}.event_outbox FORCE ROW LEVEL SECURITY;
-- The application role writes events of the tenant of its transaction only.
DROP POLICY IF EXISTS tenant_isolation ON ${flyway:defaultSchema}.event_outbox;
CREATE POLICY tenant_isolation ON ${flyway:defaultSchema}.event_outbox
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
-- The schema owner reads every tenant's events, through the function below only.
DROP POLICY IF EXISTS stream_reader ON ${flyway:defaultSchema}.event_outbox;
CREATE POLICY stream_reader ON ${flyway:defaultSchema}.event_outbox
  FOR SELECT TO CURRENT_USER USING (true);

-- The one way for the application role to read events across tenants: in commit-safe order,
-- after a cursor (transaction id, position), a bounded batch. Serving them is an internal
-- method: no API key can call it.
CREATE OR REPLACE FUNCTION ${flyway:defaultSchema}.events_after(
    after_transaction bigint, after_position bigint, max_events integer)
  RETURNS TABLE (transaction_id bigint, "position" bigint, tenant_id varchar, id uuid,
                 type varchar, subject_id varchar, data_json jsonb, created_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, ${flyway:defaultSchema}
  AS $$
    SELECT e.transaction_id::text::bigint, e.position, e.tenant_id, e.id, e.type, e.subject_id,
           e.data_json, e.created_at
      FROM ${flyway:defaultSchema}.event_outbox AS e
     WHERE (e.transaction_id, e.position) > (after_transaction::text::xid8, after_position)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.position
     LIMIT max_events
  $$;

-- Streams wait on the channel parley_<schema>_events; PostgreSQL delivers the notification when
-- the writing transaction commits, and never for one that rolls back.
CREATE OR REPLACE FUNCTION ${flyway:defaultSchema}.notify_event_streams() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
    BEGIN
      PERFORM pg_notify('parley_' || TG_TABLE_SCHEMA || '_events', '');
      RETURN NULL;
    END
  $$;
DROP TRIGGER IF EXISTS event_outbox_notify ON ${flyway:defaultSchema}.event_outbox;
CREATE TRIGGER event_outbox_notify AFTER INSERT ON ${flyway:defaultSchema}.event_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION ${flyway:defaultSchema}.notify_event_streams();

REVOKE ALL ON FUNCTION ${flyway:defaultSchema}.events_after(bigint, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ${flyway:defaultSchema}.events_after(bigint, bigint, integer)
  TO ${app_role};
GRANT INSERT ON ${flyway:defaultSchema}.event_outbox TO ${app_role};
GRANT USAGE ON SEQUENCE ${flyway:defaultSchema}.event_outbox_position_seq TO ${app_role};

-- Where a consumer is in each stream it follows; written in the transaction that applies
-- events, so it moves with what was applied. Belongs to no tenant.
CREATE TABLE IF NOT EXISTS ${flyway:defaultSchema}.stream_cursor (
  stream varchar(64) NOT NULL,
  cursor varchar(256) NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT stream_cursor_pk PRIMARY KEY (stream)
);
GRANT SELECT, INSERT, UPDATE ON ${flyway:defaultSchema}.stream_cursor TO ${app_role};
