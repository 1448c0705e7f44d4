-- A number each tenant's knowledge changes with (a document added or deleted, passages embedded),
-- in the transaction of the change: a replica that keeps a tenant's vectors in memory reads it to
-- know that its copy is still the stored one.

CREATE TABLE conversation.knowledge_version (
  tenant_id varchar(64) NOT NULL,
  version bigint NOT NULL,
  CONSTRAINT knowledge_version_pk PRIMARY KEY (tenant_id)
);

-- [jooq ignore start]
ALTER TABLE conversation.knowledge_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.knowledge_version FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.knowledge_version
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

GRANT SELECT, INSERT, UPDATE ON conversation.knowledge_version TO ${app_role};
-- [jooq ignore stop]
