package dev.parley.gateway;

/**
 * The REST dialects, each mounted under its own path prefix, each with its own error body. Paths
 * outside every mount (and gRPC callers) get Envoy's {@code convert_grpc_status} shape.
 */
enum Dialect {
  INKEEP("/inkeep/"),
  GITBOOK("/gitbook/"),
  BEDROCK("/bedrock/"),
  ALLI("/alli/"),
  POSTHOG("/posthog/"),
  NATIVE("/");

  private final String prefix;

  Dialect(String prefix) {
    this.prefix = prefix;
  }

  static Dialect of(String path) {
    for (Dialect dialect : values()) {
      if (path.startsWith(dialect.prefix) || (path + "/").equals(dialect.prefix)) {
        return dialect;
      }
    }
    return NATIVE;
  }
}
