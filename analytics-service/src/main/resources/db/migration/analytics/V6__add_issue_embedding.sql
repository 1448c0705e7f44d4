-- Each issue's sentence embedding: bge-small-en-v1.5 of its summary, 384 little-endian 32-bit
-- floats, filled in by the background worker; NULL until then, and again whenever the issue's
-- text changes. Clusters are computed from embedded issues only.
ALTER TABLE analytics.issue ADD COLUMN embedding bytea;

-- [jooq ignore start]
-- What the embedding worker has still to do, across tenants.
CREATE INDEX issue_pending_idx ON analytics.issue (tenant_id, ingested_at) WHERE embedding IS NULL;

-- The one way for the application role to find issues to embed across tenants: a bounded batch of
-- their keys and summaries, taken in turns (every tenant's oldest waiting issue before any
-- tenant's second), so that one tenant's burst cannot hold back another's clusters. Embeddings
-- are written back in each issue's tenant transaction.
CREATE FUNCTION analytics.issues_to_embed(max_issues integer)
  RETURNS TABLE (tenant_id varchar, id varchar, summary text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, analytics
  AS $$
    SELECT w.tenant_id, w.id, w.summary
      FROM (SELECT i.tenant_id, i.id, i.summary, i.ingested_at,
                   row_number() OVER (PARTITION BY i.tenant_id ORDER BY i.ingested_at, i.id) AS turn
              FROM analytics.issue AS i
             WHERE i.embedding IS NULL) AS w
     ORDER BY w.turn, w.ingested_at, w.tenant_id, w.id
     LIMIT max_issues
  $$;
REVOKE ALL ON FUNCTION analytics.issues_to_embed(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analytics.issues_to_embed(integer) TO ${app_role};

-- Row security is forced on these tables, for their owner too, so the owner's functions above
-- (and V3's clusters_to_refresh) read them through a policy of their own, as conversation's
-- chunks_to_embed does: reading only, and only as the owner.
CREATE POLICY owner_reader ON analytics.issue FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY owner_reader ON analytics.cluster_refresh FOR SELECT TO CURRENT_USER USING (true);
-- [jooq ignore stop]

-- Inkeep's semantic threads, served from what Parley knows of each conversation's question: its
-- issue (the question, in the user's words), its cluster (the subject), its conversation (project,
-- integration, properties) and its feedback. The AI annotations Inkeep adds (answer quality,
-- sentiment, entities, ...) are null: Parley does not make them. security_invoker: the caller's
-- row security applies, not the owner's (whose owner_reader policy sees every tenant).
-- [jooq ignore start]
CREATE VIEW analytics.semantic_thread WITH (security_invoker = true) AS
  SELECT i.tenant_id AS organization_id,
         i.id,
         '[]'::jsonb AS message_ids,
         c.user_message_count AS messages_count,
         i.summary AS question,
         length(i.summary) AS question_length,
         NULL::text AS answer,
         NULL::jsonb AS is_on_topic,
         NULL::jsonb AS is_clear,
         NULL::jsonb AS is_documented,
         NULL::jsonb AS is_feature_supported,
         NULL::jsonb AS is_answer_confident,
         NULL::text AS gap_summary,
         k.label AS subject,
         NULL::text AS category,
         NULL::jsonb AS languages,
         NULL::jsonb AS first_party_entities,
         NULL::jsonb AS third_party_entities,
         NULL::text AS emotion,
         NULL::text AS sentiment,
         NULL::text AS question_type,
         c.project_id,
         c.integration_id,
         c.properties,
         c.user_properties,
         i.created_at AS first_message_time,
         i.created_at AS last_message_time,
         i.ingested_at AS last_updated,
         to_jsonb(EXISTS (SELECT 1 FROM analytics.query_feedback AS f
                           WHERE f.tenant_id = i.tenant_id AND f.conversation_id = i.conversation_id
                             AND f.type = 'positive')) AS has_positive_feedback,
         to_jsonb(EXISTS (SELECT 1 FROM analytics.query_feedback AS f
                           WHERE f.tenant_id = i.tenant_id AND f.conversation_id = i.conversation_id
                             AND f.type = 'negative')) AS has_negative_feedback,
         jsonb_build_array(i.conversation_id) AS conversation_ids,
         'false'::jsonb AS are_ai_annotations_verified,
         'true'::jsonb AS is_initial_question_answer
    FROM analytics.issue AS i
    LEFT JOIN analytics.issue_cluster AS k ON k.tenant_id = i.tenant_id AND k.id = i.cluster_id
    LEFT JOIN analytics.query_conversation AS c
      ON c.tenant_id = i.tenant_id AND c.id = i.conversation_id;
GRANT SELECT ON analytics.semantic_thread TO ${app_role};
-- [jooq ignore stop]
