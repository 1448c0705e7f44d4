-- Platform-owned: applied to every service's schema by SchemaMigrator, with its own history
-- table (platform_schema_history), so the same script serves every service.
--
-- Events this service's stream consumers could not apply. A failing event is tried a bounded
-- number of times, then parked here with its error, in the transaction that moves the stream's
-- cursor past it: one tenant's bad event never stops the stream for the others. A parked event
-- can be replayed (it leaves this table when it applies).

CREATE TABLE ${flyway:defaultSchema}.parked_event (
  tenant_id varchar(64) NOT NULL,
  stream varchar(64) NOT NULL,
  event_id uuid NOT NULL,
  record bytea NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  parked_at timestamptz NOT NULL,
  last_attempt_at timestamptz NOT NULL,
  CONSTRAINT parked_event_pk PRIMARY KEY (tenant_id, stream, event_id)
);

CREATE INDEX parked_event_parked_at_idx ON ${flyway:defaultSchema}.parked_event (tenant_id, parked_at);

-- [jooq ignore start]
ALTER TABLE ${flyway:defaultSchema}.parked_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${flyway:defaultSchema}.parked_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ${flyway:defaultSchema}.parked_event
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON ${flyway:defaultSchema}.parked_event TO ${app_role};
-- [jooq ignore stop]
