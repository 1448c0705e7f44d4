-- How many assistant calls (suggested replies) each API key made in its current windows: one row
-- per key and window kind, reset when a new window starts. Every replica counts in the same rows,
-- so a limit holds however many replicas serve the key.

CREATE TABLE ticket.ai_usage (
  tenant_id varchar(64) NOT NULL,
  key_id varchar(128) NOT NULL,
  window_kind varchar(16) NOT NULL,
  window_start timestamptz NOT NULL,
  count integer NOT NULL,
  CONSTRAINT ai_usage_pk PRIMARY KEY (tenant_id, key_id, window_kind)
);

-- [jooq ignore start]
ALTER TABLE ticket.ai_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket.ai_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket.ai_usage
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON ticket.ai_usage TO ${app_role};
-- [jooq ignore stop]
