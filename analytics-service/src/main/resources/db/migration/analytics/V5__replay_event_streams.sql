-- The query views, issues and tickets (V3, V4) are built from the event streams. A database that
-- already followed the streams replays them from the start, so that what happened before these
-- tables existed is in them too: the cursors and the record of applied events are cleared, and
-- the per-day counts rebuilt with the rest. (TRUNCATE, which row-level security does not filter.)
-- [jooq ignore start]
TRUNCATE analytics.stream_cursor, analytics.applied_event, analytics.conversation_day;
-- [jooq ignore stop]
