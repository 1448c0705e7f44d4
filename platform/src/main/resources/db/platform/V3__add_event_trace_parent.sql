-- Each event keeps the trace context of the call that wrote it (W3C traceparent, null when that
-- call was not traced), so that a consumer's work links back to the write.
ALTER TABLE ${flyway:defaultSchema}.event_outbox ADD COLUMN IF NOT EXISTS trace_parent varchar(55);

DROP FUNCTION IF EXISTS ${flyway:defaultSchema}.events_after(bigint, bigint, integer);
CREATE FUNCTION ${flyway:defaultSchema}.events_after(
    after_transaction bigint, after_position bigint, max_events integer)
  RETURNS TABLE (transaction_id bigint, "position" bigint, tenant_id varchar, id uuid,
                 type varchar, subject_id varchar, data_json jsonb, created_at timestamptz,
                 trace_parent varchar)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, ${flyway:defaultSchema}
  AS $$
    SELECT e.transaction_id::text::bigint, e.position, e.tenant_id, e.id, e.type, e.subject_id,
           e.data_json, e.created_at, e.trace_parent
      FROM ${flyway:defaultSchema}.event_outbox AS e
     WHERE (e.transaction_id, e.position) > (after_transaction::text::xid8, after_position)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.position
     LIMIT max_events
  $$;
REVOKE ALL ON FUNCTION ${flyway:defaultSchema}.events_after(bigint, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ${flyway:defaultSchema}.events_after(bigint, bigint, integer)
  TO ${app_role};
