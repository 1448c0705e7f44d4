-- User messages queued while a run answers their conversation (PostHog's queue): at most two per
-- conversation, each kept for an hour. When the run ends the oldest becomes the next turn: the
-- replica that ran it drains the queue at once, and every replica's supervisor drains queues
-- whose conversation has no active run (the replica died between two turns).

CREATE TABLE conversation.queued_message (
  tenant_id varchar(64) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  id varchar(128) NOT NULL,
  content text NOT NULL,
  context jsonb NOT NULL,
  create_time timestamptz NOT NULL,
  expire_time timestamptz NOT NULL,
  CONSTRAINT queued_message_pk PRIMARY KEY (tenant_id, conversation_id, id),
  CONSTRAINT queued_message_conversation_fk FOREIGN KEY (tenant_id, conversation_id)
    REFERENCES conversation.conversation (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX queued_message_order_idx
  ON conversation.queued_message (tenant_id, conversation_id, create_time, id);

-- [jooq ignore start]
CREATE INDEX queued_message_expire_idx ON conversation.queued_message (expire_time);

ALTER TABLE conversation.queued_message ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.queued_message FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.queued_message
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

-- The one way for the application role to look across tenants for queues to drain: expired
-- messages are dropped, and the conversations that have a waiting message and no active run are
-- returned, oldest waiting first.
CREATE FUNCTION conversation.queues_to_drain(max_conversations integer)
  RETURNS TABLE (tenant_id varchar, conversation_id varchar)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, conversation
  AS $$
  BEGIN
    DELETE FROM conversation.queued_message AS q WHERE q.expire_time <= now();
    RETURN QUERY
      SELECT q.tenant_id, q.conversation_id
        FROM conversation.queued_message AS q
       WHERE NOT EXISTS (
               SELECT 1 FROM conversation.assistant_run AS r
                WHERE r.tenant_id = q.tenant_id
                  AND r.conversation_id = q.conversation_id
                  AND r.status IN ('queued', 'running'))
       GROUP BY q.tenant_id, q.conversation_id
       ORDER BY min(q.create_time)
       LIMIT max_conversations;
  END
  $$;
CREATE POLICY queue_drainer ON conversation.queued_message
  FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
REVOKE ALL ON FUNCTION conversation.queues_to_drain(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION conversation.queues_to_drain(integer) TO ${app_role};

GRANT SELECT, INSERT, UPDATE, DELETE ON conversation.queued_message TO ${app_role};
-- [jooq ignore stop]
