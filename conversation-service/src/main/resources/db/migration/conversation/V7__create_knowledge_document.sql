-- A tenant's knowledge documents, which the assistant retrieves from. (V6 is retired: the outbox
-- moved to platform's scripts.)

CREATE TABLE conversation.knowledge_document (
  tenant_id varchar(64) NOT NULL,
  id varchar(128) NOT NULL,
  title varchar(500) NOT NULL,
  content text NOT NULL,
  content_type varchar(32) NOT NULL,
  source_link varchar(2048),
  size_bytes bigint NOT NULL,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  CONSTRAINT knowledge_document_pk PRIMARY KEY (tenant_id, id)
);

CREATE INDEX knowledge_document_newest_idx
  ON conversation.knowledge_document (tenant_id, create_time DESC, id DESC);

-- [jooq ignore start]
-- Searchable by full text as soon as it is added ('simple': no stemming, every language alike).
ALTER TABLE conversation.knowledge_document
  ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', title || ' ' || content)) STORED;
CREATE INDEX knowledge_document_search_idx
  ON conversation.knowledge_document USING gin (search);

ALTER TABLE conversation.knowledge_document ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.knowledge_document FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.knowledge_document
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE, DELETE ON conversation.knowledge_document TO ${app_role};
-- [jooq ignore stop]
