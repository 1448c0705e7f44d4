-- How a conversation is handled (Alli's state, assignee and categories; the end user it belongs
-- to), when its last message was written (Alli's lastChatTime, the order of Alli's lists), PostHog's
-- soft delete, who gave a feedback (the end user, or an agent for Alli's agentRating), and
-- full-text search over titles and message bodies (Bedrock search, Alli searchTerm, native).

ALTER TABLE conversation.conversation ADD COLUMN state varchar(64);
ALTER TABLE conversation.conversation ADD COLUMN assignee varchar(256);
ALTER TABLE conversation.conversation ADD COLUMN categories_json jsonb;
ALTER TABLE conversation.conversation ADD COLUMN end_user_id varchar(256);
ALTER TABLE conversation.conversation ADD COLUMN end_user_email varchar(256);
ALTER TABLE conversation.conversation ADD COLUMN last_message_time timestamptz;
ALTER TABLE conversation.conversation ADD COLUMN delete_time timestamptz;

ALTER TABLE conversation.feedback ADD COLUMN author varchar(16) NOT NULL DEFAULT 'user';

CREATE INDEX conversation_activity_idx
  ON conversation.conversation (tenant_id, last_message_time DESC, id DESC);
CREATE INDEX conversation_update_time_idx
  ON conversation.conversation (tenant_id, update_time DESC, id DESC);
CREATE INDEX conversation_end_user_idx
  ON conversation.conversation (tenant_id, end_user_id);

-- [jooq ignore start]
-- The activity time: the newest message's create time, or the conversation's without messages.
UPDATE conversation.conversation AS c
   SET last_message_time = coalesce((SELECT max(m.create_time) FROM conversation.message AS m
                                      WHERE m.tenant_id = c.tenant_id
                                        AND m.conversation_id = c.id), c.create_time);

-- The searchable text of a message: a string content, or the text (OpenAI) and body (Bedrock,
-- GitBook) of its parts.
CREATE FUNCTION conversation.plain_text(content jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE jsonb_typeof(content)
      WHEN 'string' THEN content #>> '{}'
      WHEN 'array' THEN (
        SELECT string_agg(coalesce(part ->> 'text',
                                   CASE WHEN jsonb_typeof(part -> 'body') = 'string'
                                        THEN part ->> 'body' END), E'\n')
          FROM jsonb_array_elements(content) AS part
         WHERE jsonb_typeof(part) = 'object')
      WHEN 'object' THEN coalesce(content ->> 'text', content ->> 'body')
    END
  $$;

-- 'simple': no stemming, so every language is matched word for word.
ALTER TABLE conversation.message
  ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', coalesce(conversation.plain_text(content_json), ''))) STORED;
ALTER TABLE conversation.conversation
  ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, ''))) STORED;

CREATE INDEX message_search_idx ON conversation.message USING gin (search_vector);
CREATE INDEX conversation_search_idx ON conversation.conversation USING gin (search_vector);
CREATE INDEX conversation_categories_idx
  ON conversation.conversation USING gin (categories_json jsonb_path_ops);
-- [jooq ignore stop]
