-- The analytics schema. Its tables arrive with the analytics API; this version gives the
-- application role access to the schema so the service can start and report healthy.

CREATE SCHEMA IF NOT EXISTS analytics;

GRANT USAGE ON SCHEMA analytics TO ${app_role};
