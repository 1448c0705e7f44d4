-- What the Inkeep query API and GitBook's issues read, kept from conversation-service's events:
-- one row per conversation, logged event and feedback, shaped like Inkeep's query views, and
-- the issues extracted from conversations with the clusters they fall into.

CREATE TABLE analytics.query_conversation (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  type varchar(32) NOT NULL,
  project_id varchar(128),
  integration_id varchar(128),
  properties jsonb,
  user_properties jsonb,
  user_message_count integer NOT NULL,
  first_message_time timestamptz,
  create_time timestamptz NOT NULL,
  subject text,
  source varchar(300) NOT NULL,
  external_url text,
  CONSTRAINT query_conversation_pk PRIMARY KEY (tenant_id, id)
);

CREATE INDEX query_conversation_time_idx
  ON analytics.query_conversation (tenant_id, first_message_time);

CREATE TABLE analytics.query_event (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  type varchar(128) NOT NULL,
  event_type varchar(16) NOT NULL,
  message_id varchar(128),
  conversation_id varchar(128),
  search_query text,
  project_id varchar(128),
  integration_id varchar(128),
  properties jsonb,
  user_properties jsonb,
  created_at timestamptz NOT NULL,
  CONSTRAINT query_event_pk PRIMARY KEY (tenant_id, id)
);

CREATE INDEX query_event_time_idx ON analytics.query_event (tenant_id, created_at);

CREATE TABLE analytics.query_feedback (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  type varchar(16) NOT NULL,
  message_id varchar(128) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  reasons jsonb,
  sources jsonb,
  details text,
  properties jsonb,
  user_properties jsonb,
  project_id varchar(128),
  integration_id varchar(128),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT query_feedback_pk PRIMARY KEY (tenant_id, id)
);

CREATE INDEX query_feedback_time_idx ON analytics.query_feedback (tenant_id, created_at);

-- One issue per conversation with something said by its user: the question it raised.
CREATE TABLE analytics.issue (
  tenant_id varchar(64) NOT NULL,
  id varchar(64) NOT NULL,
  conversation_id varchar(128) NOT NULL,
  title text NOT NULL,
  summary text NOT NULL,
  user_text text NOT NULL,
  created_at timestamptz NOT NULL,
  ingested_at timestamptz NOT NULL,
  cluster_id varchar(64),
  CONSTRAINT issue_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT issue_conversation_uk UNIQUE (tenant_id, conversation_id)
);

CREATE INDEX issue_cluster_idx ON analytics.issue (tenant_id, cluster_id);

CREATE TABLE analytics.issue_cluster (
  tenant_id varchar(64) NOT NULL,
  id varchar(64) NOT NULL,
  label text NOT NULL,
  summary text NOT NULL,
  icon varchar(50) NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT issue_cluster_pk PRIMARY KEY (tenant_id, id)
);

-- Tenants whose issues changed since their clusters were last computed. The clustering reads
-- the version it starts from and removes the row only if no change came in meanwhile.
CREATE TABLE analytics.cluster_refresh (
  tenant_id varchar(64) NOT NULL,
  version bigint NOT NULL,
  CONSTRAINT cluster_refresh_pk PRIMARY KEY (tenant_id)
);

-- [jooq ignore start]
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['query_conversation', 'query_event', 'query_feedback', 'issue',
                           'issue_cluster', 'cluster_refresh'] LOOP
    EXECUTE format('ALTER TABLE analytics.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE analytics.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON analytics.%I
      USING (tenant_id = current_setting('app.tenant_id', true))
      WITH CHECK (tenant_id = current_setting('app.tenant_id', true))$p$, t);
  END LOOP;
END $$;

-- The one way for the application role to find, across tenants, whose clusters to compute.
CREATE FUNCTION analytics.clusters_to_refresh(max_tenants integer)
  RETURNS TABLE (tenant_id varchar, version bigint)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, analytics
  AS $$
    SELECT r.tenant_id, r.version FROM analytics.cluster_refresh AS r
     ORDER BY r.tenant_id
     LIMIT max_tenants
  $$;
REVOKE ALL ON FUNCTION analytics.clusters_to_refresh(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analytics.clusters_to_refresh(integer) TO ${app_role};

GRANT SELECT, INSERT, UPDATE, DELETE
  ON analytics.query_conversation, analytics.query_event, analytics.query_feedback,
     analytics.issue, analytics.issue_cluster, analytics.cluster_refresh TO ${app_role};
-- [jooq ignore stop]
