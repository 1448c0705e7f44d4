package dev.parley.platform.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Every environment variable Parley reads. The README's configuration table is this list; a {@code
 * PARLEY_*} variable that is not here fails startup, so a typo never goes unnoticed.
 */
public enum Setting {
  DATABASE_URL(
      "PARLEY_DATABASE_URL",
      null,
      "JDBC URL of the PostgreSQL server. Unset: `parley up` starts an embedded PostgreSQL."),
  DATABASE_USER(
      "PARLEY_DATABASE_USER",
      "postgres",
      "Role that runs migrations and owns the schemas (needs CREATEROLE the first time)."),
  DATABASE_PASSWORD("PARLEY_DATABASE_PASSWORD", "", "Password of PARLEY_DATABASE_USER."),
  DATABASE_APP_USER(
      "PARLEY_DATABASE_APP_USER",
      "parley_app",
      "Role the services use for queries: created if missing, never owner, never BYPASSRLS."),
  DATABASE_APP_PASSWORD(
      "PARLEY_DATABASE_APP_PASSWORD",
      null,
      "Password set on the application role. Required with PARLEY_DATABASE_URL; generated when"
          + " embedded."),
  DATABASE_POOL_SIZE(
      "PARLEY_DATABASE_POOL_SIZE", "10", "Connections per service in the application pool."),
  DATA_DIR(
      "PARLEY_DATA_DIR",
      ".parley",
      "Folder of the embedded PostgreSQL's data (kept across restarts), relative to the working"
          + " folder."),
  EMBEDDED_DATABASE_PORT(
      "PARLEY_EMBEDDED_DATABASE_PORT", "54329", "Port of the embedded PostgreSQL (loopback only)."),
  BIND_HOST("PARLEY_BIND_HOST", "0.0.0.0", "Address the gateway and the gRPC servers listen on."),
  GATEWAY_PORT("PARLEY_GATEWAY_PORT", "8080", "REST gateway port."),
  CONVERSATION_PORT("PARLEY_CONVERSATION_PORT", "9101", "conversation-service gRPC port."),
  TICKET_PORT("PARLEY_TICKET_PORT", "9102", "ticket-service gRPC port."),
  ANALYTICS_PORT("PARLEY_ANALYTICS_PORT", "9103", "analytics-service gRPC port."),
  MANAGEMENT_PORT(
      "PARLEY_MANAGEMENT_PORT",
      "9090",
      "Port of `/healthz`, `/readyz` and `/metrics` (Prometheus), one per process: each service and"
          + " the gateway deployed on its own, or the whole suite under `parley up`. Never the"
          + " gateway's port."),
  CONVERSATION_TARGET(
      "PARLEY_CONVERSATION_TARGET",
      "127.0.0.1:9101",
      "Where the gateway and other services reach conversation-service."),
  TICKET_TARGET(
      "PARLEY_TICKET_TARGET",
      "127.0.0.1:9102",
      "Where the gateway and other services reach ticket-service."),
  ANALYTICS_TARGET(
      "PARLEY_ANALYTICS_TARGET",
      "127.0.0.1:9103",
      "Where the gateway and other services reach analytics-service."),
  GRPC_THREADS("PARLEY_GRPC_THREADS", "16", "Threads that run gRPC calls in each service."),
  MAX_REQUEST_BYTES(
      "PARLEY_MAX_REQUEST_BYTES",
      "2097152",
      "Largest request body the gateway accepts (413 above)."),
  OTEL_EXPORTER_OTLP_ENDPOINT(
      "PARLEY_OTEL_EXPORTER_OTLP_ENDPOINT",
      null,
      "OTLP/HTTP endpoint traces are sent to (its /v1/traces), e.g. `http://otel-collector:4318`."
          + " Unset: no traces."),
  TLS_CERT_FILE(
      "PARLEY_TLS_CERT_FILE",
      null,
      "PEM certificate (chain) of this process: its gRPC server speaks TLS, and its channels to"
          + " other services present it. Unset: plaintext (a mesh's sidecars may encrypt)."),
  TLS_KEY_FILE("PARLEY_TLS_KEY_FILE", null, "PEM private key (PKCS#8) of PARLEY_TLS_CERT_FILE."),
  TLS_CA_FILE(
      "PARLEY_TLS_CA_FILE",
      null,
      "PEM CA bundle: channels verify the services they reach against it (host names"
          + " included); with PARLEY_TLS_CLIENT_AUTH=require servers accept only clients it"
          + " signed."),
  TLS_CLIENT_AUTH(
      "PARLEY_TLS_CLIENT_AUTH",
      "none",
      "`require` for mutual TLS: a gRPC server refuses clients without a certificate signed by"
          + " PARLEY_TLS_CA_FILE; `none` otherwise."),
  RATE_LIMIT_PER_SECOND(
      "PARLEY_RATE_LIMIT_PER_SECOND",
      "20",
      "Calls one API key may make to a service per second, sustained (per replica); 429 with"
          + " `Retry-After` and `X-RateLimit-*` beyond. `0` turns the limits off."),
  RATE_LIMIT_BURST(
      "PARLEY_RATE_LIMIT_BURST",
      "100",
      "Calls one API key may make at once before the sustained rate applies (per service"
          + " replica)."),
  CORS_ALLOWED_ORIGINS(
      "PARLEY_CORS_ALLOWED_ORIGINS",
      "",
      "Browser origins allowed to call the REST APIs (CORS), separated by commas, e.g."
          + " `https://chat.example.com`, or `*` for any; empty sends no CORS headers. Keys travel in"
          + " headers, never cookies, so credentials are not allowed."),
  REQUEST_TIMEOUT_SECONDS(
      "PARLEY_REQUEST_TIMEOUT_SECONDS", "30", "Deadline the gateway gives each upstream call."),
  KEY_CACHE_SECONDS(
      "PARLEY_KEY_CACHE_SECONDS",
      "5",
      "How long a service trusts a verified API key; a revocation takes effect within this time."),
  INTERNAL_TOKEN(
      "PARLEY_INTERNAL_TOKEN",
      "",
      "Secret Parley's services share for internal calls (event streams) and for signing preview"
          + " links; `parley up` generates one per run when unset. Set the same value on every"
          + " service deployed on its own."),
  ASSISTANT_PROVIDER(
      "PARLEY_ASSISTANT_PROVIDER",
      "local",
      "Provider of assistant answers: `local` (offline, extractive: quotes the tenant's knowledge"
          + " with numbered citations) or `openai` (any OpenAI-compatible chat-completions"
          + " endpoint, see PARLEY_OPENAI_*)."),
  ASSISTANT_MODELS(
      "PARLEY_ASSISTANT_MODELS",
      "",
      "Model names clients may ask for, each mapped to a provider and its model:"
          + " `name=provider:model,...` (e.g. `claude-v3-haiku=openai:gpt-4o-mini`). Bedrock"
          + " Chat's model names not listed map to the default provider; any other name is"
          + " refused."),
  ASSISTANT_MAX_TOKENS(
      "PARLEY_ASSISTANT_MAX_TOKENS",
      "1024",
      "Most tokens (words, for `local`) one answer writes; an answer cut there can be continued."),
  ASSISTANT_MAX_RUNS(
      "PARLEY_ASSISTANT_MAX_RUNS",
      "8",
      "Runs one conversation-service replica generates at once; more wait as `queued`."),
  SUGGEST_REPLY_PER_MINUTE(
      "PARLEY_SUGGEST_REPLY_PER_MINUTE",
      "10",
      "Suggested replies (PostHog `suggest_reply`) one API key may ask for per minute; 429 with"
          + " `Retry-After` beyond."),
  SUGGEST_REPLY_PER_DAY(
      "PARLEY_SUGGEST_REPLY_PER_DAY",
      "100",
      "Suggested replies one API key may ask for per day (UTC); 429 with `Retry-After` beyond."),
  OPENAI_BASE_URL(
      "PARLEY_OPENAI_BASE_URL",
      "https://api.openai.com/v1",
      "Base URL of the OpenAI-compatible endpoint (vLLM, Ollama `http://host:11434/v1`, llama.cpp"
          + " server, LiteLLM, OpenAI)."),
  OPENAI_API_KEY("PARLEY_OPENAI_API_KEY", "", "API key sent to that endpoint, if it needs one."),
  OPENAI_MODEL(
      "PARLEY_OPENAI_MODEL", "gpt-4o-mini", "Model the `openai` provider asks for by default."),
  OPENAI_TIMEOUT_SECONDS(
      "PARLEY_OPENAI_TIMEOUT_SECONDS",
      "60",
      "Longest wait for the endpoint: for the first token, and between two tokens."),
  LOG_FORMAT("PARLEY_LOG_FORMAT", "json", "`json` (one object per line) or `text`."),
  JAVA_OPTS("PARLEY_JAVA_OPTS", "", "Extra JVM options the `parley` script passes, e.g. `-Xmx2g`.");

  private final String variable;
  private final String defaultValue;
  private final String description;

  Setting(String variable, String defaultValue, String description) {
    this.variable = requireNonNull(variable, "variable is null");
    this.defaultValue = defaultValue;
    this.description = requireNonNull(description, "description is null");
  }

  public String variable() {
    return variable;
  }

  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public String description() {
    return description;
  }
}
