-- The passages of knowledge documents that retrieval ranks: written with their document, each
-- searchable by full text at once and by meaning once embedded (a 384-dimension vector from the
-- in-process sentence-embedding model, filled in the background, kept as little-endian 32-bit
-- floats: a query reads a tenant's vectors without parsing numbers from text).

CREATE TABLE conversation.knowledge_chunk (
  tenant_id varchar(64) NOT NULL,
  document_id varchar(128) NOT NULL,
  ordinal integer NOT NULL,
  text text NOT NULL,
  embedding bytea,
  CONSTRAINT knowledge_chunk_pk PRIMARY KEY (tenant_id, document_id, ordinal),
  CONSTRAINT knowledge_chunk_document_fk FOREIGN KEY (tenant_id, document_id)
    REFERENCES conversation.knowledge_document (tenant_id, id) ON DELETE CASCADE
);

-- [jooq ignore start]
ALTER TABLE conversation.knowledge_chunk
  ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED;
CREATE INDEX knowledge_chunk_search_idx ON conversation.knowledge_chunk USING gin (search);
-- What the embedding worker has still to do, across tenants.
CREATE INDEX knowledge_chunk_pending_idx ON conversation.knowledge_chunk (tenant_id, document_id)
  WHERE embedding IS NULL;

ALTER TABLE conversation.knowledge_chunk ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation.knowledge_chunk FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation.knowledge_chunk
  USING (tenant_id = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id = current_setting('app.tenant_id', true));

-- The one way for the application role to find chunks to embed across tenants: a bounded batch
-- of their keys and text. Embeddings are written back in each chunk's tenant transaction.
CREATE FUNCTION conversation.chunks_to_embed(max_chunks integer)
  RETURNS TABLE (tenant_id varchar, document_id varchar, ordinal integer, text text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, conversation
  AS $$
    SELECT c.tenant_id, c.document_id, c.ordinal, c.text
      FROM conversation.knowledge_chunk AS c
     WHERE c.embedding IS NULL
     LIMIT max_chunks
  $$;
CREATE POLICY embedding_reader ON conversation.knowledge_chunk
  FOR SELECT TO CURRENT_USER USING (true);
REVOKE ALL ON FUNCTION conversation.chunks_to_embed(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION conversation.chunks_to_embed(integer) TO ${app_role};

GRANT SELECT, INSERT, UPDATE, DELETE ON conversation.knowledge_chunk TO ${app_role};
-- [jooq ignore stop]
