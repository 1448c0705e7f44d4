-- What a ticket's channel knows of it, as PostHog's ticket shows it: channel_detail, the email's
-- subject, sender, the address it was sent to and its CC participants, the GitHub repository and
-- issue number. One JSON object (keys as PostHog names them, absent when unknown): Parley stores
-- what a caller gives and answers null (cc_participants: []) for the rest.
ALTER TABLE ticket.ticket ADD COLUMN channel_json jsonb NOT NULL DEFAULT '{}';
