-- Assistant runs: one row per run, its events as they happen, and the knowledge documents a
-- conversation's runs cited; all deleted with their conversation. The replica that executes a run beats its heartbeat every few
-- seconds; a run whose heartbeat stopped (its process died) is failed by any replica.

CREATE TABLE conversation.assistant_run (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  status varchar(16) NOT NULL,
  provider varchar(32) NOT NULL,
  model varchar(200) NOT NULL,
  requested_model varchar(200) NOT NULL,
  user_message_id varchar(128) NOT NULL,
  assistant_message_id varchar(128),
  stop_reason varchar(16),
  error varchar(1000),
  input_tokens integer,
  output_tokens integer,
  cancel_requested boolean NOT NULL DEFAULT false,
  owner varchar(64) NOT NULL,
  heartbeat_time timestamptz NOT NULL,
  create_time timestamptz NOT NULL,
  start_time timestamptz,
  end_time timestamptz,
  CONSTRAINT assistant_run_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT assistant_run_conversation_fk FOREIGN KEY (tenant_id, conversation_id)
    REFERENCES conversation.conversation (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT assistant_run_status_ck
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
);

CREATE INDEX assistant_run_conversation_idx
  ON conversation.assistant_run (tenant_id, conversation_id, create_time);

CREATE TABLE conversation.assistant_run_event (
  tenant_id varchar(64) NOT NULL,
  run_id varchar(128) NOT NULL,
  sequence integer NOT NULL,
  kind varchar(32) NOT NULL,
  body jsonb NOT NULL,
  create_time timestamptz NOT NULL,
  CONSTRAINT assistant_run_event_pk PRIMARY KEY (tenant_id, run_id, sequence),
  CONSTRAINT assistant_run_event_run_fk FOREIGN KEY (tenant_id, run_id)
    REFERENCES conversation.assistant_run (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE conversation.related_document (
  tenant_id varchar(64) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  source_id varchar(128) NOT NULL,
  source_name varchar(500),
  source_link varchar(2048),
  text text NOT NULL,
  run_id varchar(128) NOT NULL,
  update_time timestamptz NOT NULL,
  CONSTRAINT related_document_pk PRIMARY KEY (tenant_id, conversation_id, source_id),
  CONSTRAINT related_document_conversation_fk FOREIGN KEY (tenant_id, conversation_id)
    REFERENCES conversation.conversation (tenant_id, id) ON DELETE CASCADE
);

-- [jooq ignore start]
-- One active run per conversation, whichever replica took it.
CREATE UNIQUE INDEX assistant_run_active_idx ON conversation.assistant_run (tenant_id, conversation_id)
  WHERE status IN ('queued', 'running');
-- What the orphan sweep looks at, across tenants.
CREATE INDEX assistant_run_heartbeat_idx ON conversation.assistant_run (heartbeat_time)
  WHERE status IN ('queued', 'running');

ALTER TABLE conversation.assistant_run ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.assistant_run FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.assistant_run
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE conversation.assistant_run_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.assistant_run_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.assistant_run_event
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

ALTER TABLE conversation.related_document ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.related_document FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.related_document
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

-- The one way for the application role to fail orphaned runs across tenants: runs whose
-- heartbeat is older than the given age are failed, with a finished event each; their keys are
-- returned so that the caller can report them.
CREATE FUNCTION conversation.fail_orphaned_runs(stale_after interval)
  RETURNS TABLE (tenant_id varchar, run_id varchar, conversation_id varchar)
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, conversation
  AS $$
    WITH failed AS (
      UPDATE conversation.assistant_run AS r
         SET status = 'failed',
             error = 'The run was interrupted: the process that executed it stopped',
             end_time = now()
       WHERE r.status IN ('queued', 'running')
         AND r.heartbeat_time < now() - stale_after
      RETURNING r.tenant_id, r.id, r.conversation_id, r.status, r.provider, r.model,
                r.requested_model, r.user_message_id, r.assistant_message_id, r.error,
                r.input_tokens, r.output_tokens, r.create_time, r.start_time, r.end_time
    ), recorded AS (
      INSERT INTO conversation.assistant_run_event (tenant_id, run_id, sequence, kind, body, create_time)
      SELECT f.tenant_id, f.id,
             coalesce((SELECT max(e.sequence) FROM conversation.assistant_run_event AS e
                        WHERE e.tenant_id = f.tenant_id AND e.run_id = f.id), 0) + 1,
             'finished',
             jsonb_build_object('status', f.status, 'error', f.error),
             now()
        FROM failed AS f
    )
    SELECT f.tenant_id, f.id, f.conversation_id FROM failed AS f
  $$;
CREATE POLICY orphan_sweeper ON conversation.assistant_run
  FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY orphan_sweeper ON conversation.assistant_run_event
  FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
REVOKE ALL ON FUNCTION conversation.fail_orphaned_runs(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION conversation.fail_orphaned_runs(interval) TO ${app_role};

GRANT SELECT, INSERT, UPDATE, DELETE
  ON conversation.assistant_run, conversation.assistant_run_event, conversation.related_document
  TO ${app_role};
-- [jooq ignore stop]
