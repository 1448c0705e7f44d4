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
