-- Where ticket-service is in conversation-service's event stream: it records the new messages of
-- escalated conversations on their tickets as the stream tells them. Written after the messages;
-- recording a message twice changes nothing (ticket_message is keyed by message id).

CREATE TABLE ticket.stream_cursor (
  stream varchar(64) NOT NULL,
  cursor varchar(256) NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT stream_cursor_pk PRIMARY KEY (stream)
);

-- [jooq ignore start]
GRANT SELECT, INSERT, UPDATE ON ticket.stream_cursor TO ${app_role};
-- [jooq ignore stop]
