-- The ticket schema. Its tables arrive with the ticket API; this version gives the
-- application role access to the schema so the service can start and report healthy.

CREATE SCHEMA IF NOT EXISTS ticket;

GRANT USAGE ON SCHEMA ticket TO ${app_role};
