package dev.parley.platform.grpc;

import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.identity.Principal;
import io.grpc.Context;
import io.grpc.Metadata;

/** What the interceptors learn about a call, for the service code that handles it. */
public final class CallContext {
  public static final Metadata.Key<String> REQUEST_ID_HEADER =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  static final Context.Key<String> REQUEST_ID = Context.key("parley-request-id");
  static final Context.Key<Principal> PRINCIPAL = Context.key("parley-principal");
  static final Context.Key<Metadata> HEADERS = Context.key("parley-headers");

  private CallContext() {}

  /** The authenticated caller; every business method runs behind authentication. */
  public static Principal principal() {
    Principal principal = PRINCIPAL.get();
    if (principal == null) {
      throw new ParleyException(ErrorCode.UNAUTHENTICATED, "The call is not authenticated");
    }
    return principal;
  }

  /** The caller's tenant. */
  public static String tenantId() {
    return principal().tenantId();
  }

  /**
   * The tenant named by a path parameter (PostHog's project, GitBook's organization), which must be
   * the caller's: any other does not exist for the caller (404), whether it exists or not.
   */
  /**
   * The tenant a path id names, where the dialect also has an alias for the caller's own tenant
   * (PostHog's {@code @current}).
   */
  public static String pathTenant(String kind, String id, String selfAlias) {
    return selfAlias.equals(id) ? tenantId() : pathTenant(kind, id);
  }

  /** The tenant a path id names: the caller's; any other id does not exist for the caller. */
  public static String pathTenant(String kind, String id) {
    String tenantId = tenantId();
    if (!tenantId.equals(id)) {
      throw ParleyException.notFound(kind + " " + id + " not found");
    }
    return tenantId;
  }

  /** The base URL the caller reached the gateway at, for absolute links in responses. */
  public static String baseUrl() {
    String baseUrl = header("parley-base-url");
    return baseUrl == null ? "http://localhost:8080" : baseUrl;
  }

  public static String requestId() {
    String requestId = REQUEST_ID.get();
    return requestId == null ? "unknown" : requestId;
  }

  /** A request header (dialect headers such as OWN-USER-ID arrive this way). */
  public static String header(String name) {
    Metadata headers = HEADERS.get();
    if (headers == null) {
      return null;
    }
    return headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
  }
}
