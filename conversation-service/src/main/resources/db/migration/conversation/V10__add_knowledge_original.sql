-- An uploaded PDF is kept as sent (for previews through signed links) beside its extracted text,
-- with its page count. Text documents keep neither.

ALTER TABLE conversation.knowledge_document ADD COLUMN original bytea;
ALTER TABLE conversation.knowledge_document ADD COLUMN page_count integer;
