-- The ticket a conversation was escalated to (ticket-service's id); its new messages are
-- recorded on that ticket.

ALTER TABLE conversation.conversation ADD COLUMN ticket_id varchar(64);
