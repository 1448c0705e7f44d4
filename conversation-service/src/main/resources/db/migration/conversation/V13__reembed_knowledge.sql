-- Retrieval moved from all-MiniLM-L6-v2 to bge-small-en-v1.5 (the model issue clusters use too):
-- vectors of two models do not compare, so every passage is embedded again by the background
-- worker, and each tenant's cached vectors are dropped with its knowledge version. Until a
-- passage has its new vector, full-text ranking alone finds it. Row security is forced on both
-- tables, for their owner too: lifted for these statements only, inside this transaction.
-- [jooq ignore start]
ALTER TABLE conversation.knowledge_chunk NO FORCE ROW LEVEL SECURITY;
ALTER TABLE conversation.knowledge_version NO FORCE ROW LEVEL SECURITY;
UPDATE conversation.knowledge_chunk SET embedding = NULL WHERE embedding IS NOT NULL;
UPDATE conversation.knowledge_version SET version = version + 1;
ALTER TABLE conversation.knowledge_chunk FORCE ROW LEVEL SECURITY;
ALTER TABLE conversation.knowledge_version FORCE ROW LEVEL SECURITY;
-- [jooq ignore stop]
