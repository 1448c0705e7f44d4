-- Tenants and API keys, shared by every Parley service for authentication.
-- Keys are stored only as SHA-256 hashes (hex) of their secret. The application role
-- cannot read this table: it may only call identity.authenticate_api_key with
-- the hash of a presented secret.

CREATE SCHEMA IF NOT EXISTS identity;

CREATE TABLE identity.tenant (
  tenant_id varchar(64) NOT NULL,
  display_name text NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tenant_pk PRIMARY KEY (tenant_id)
);

CREATE TABLE identity.api_key (
  tenant_id varchar(64) NOT NULL,
  key_id varchar(64) NOT NULL,
  secret_hash varchar(64) NOT NULL,
  scopes text NOT NULL,
  description text,
  create_time timestamptz NOT NULL DEFAULT now(),
  revoke_time timestamptz,
  CONSTRAINT api_key_pk PRIMARY KEY (tenant_id, key_id),
  CONSTRAINT api_key_tenant_fk FOREIGN KEY (tenant_id) REFERENCES identity.tenant (tenant_id),
  CONSTRAINT api_key_key_id_uk UNIQUE (key_id),
  CONSTRAINT api_key_secret_hash_uk UNIQUE (secret_hash)
);

-- [jooq ignore start]
ALTER TABLE identity.tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.tenant FORCE ROW LEVEL SECURITY;
ALTER TABLE identity.api_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity.api_key FORCE ROW LEVEL SECURITY;

-- The application role sees only its own tenant's rows (it has no grant on
-- api_key anyway); the migrating role administers keys for every tenant.
CREATE POLICY tenant_isolation ON identity.tenant
  USING (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY tenant_administration ON identity.tenant TO CURRENT_USER
  USING (true) WITH CHECK (true);
CREATE POLICY tenant_isolation ON identity.api_key
  USING (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY api_key_administration ON identity.api_key TO CURRENT_USER
  USING (true) WITH CHECK (true);

-- Runs as the migrating role, so it can find a key of any tenant, but only by
-- the hash of its secret, and only a key that is not revoked.
CREATE FUNCTION identity.authenticate_api_key(presented_hash text)
  RETURNS TABLE (tenant_id text, key_id text, scopes text)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.tenant_id, k.key_id, k.scopes
  FROM identity.api_key k
  WHERE k.secret_hash = presented_hash AND k.revoke_time IS NULL
$$;

REVOKE ALL ON FUNCTION identity.authenticate_api_key(text) FROM PUBLIC;
GRANT USAGE ON SCHEMA identity TO ${app_role};
GRANT SELECT ON identity.tenant TO ${app_role};
GRANT EXECUTE ON FUNCTION identity.authenticate_api_key(text) TO ${app_role};
-- [jooq ignore stop]
