package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ErrorStatuses;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.identity.ApiKeyAuthenticator;
import dev.parley.platform.identity.Principal;
import dev.parley.type.v1.AccessRule;
import dev.parley.type.v1.OptionsProto;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every business call by its API key ({@code Authorization: Bearer <key>} or Alli's
 * {@code API-KEY: <key>}), checks the method's {@code (parley.type.v1.access)} scopes and puts the
 * principal, and so the tenant, in the call context. A method without an access rule is refused:
 * nothing is served by accident.
 */
final class AuthenticationInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuthenticationInterceptor.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> API_KEY =
      Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

  /** Metadata by which Parley's services prove an internal call. */
  public static final Metadata.Key<String> INTERNAL_TOKEN =
      Metadata.Key.of("parley-internal-token", Metadata.ASCII_STRING_MARSHALLER);

  /** The caller of an internal method: Parley itself, no tenant. */
  public static final Principal INTERNAL = new Principal("", "internal", Set.of());

  /** The caller of a signed link: no key, no tenant until the method verifies the link. */
  public static final Principal SIGNED_LINK = new Principal("", "signed-link", Set.of());

  private final ApiKeyAuthenticator authenticator;
  private final byte[] internalToken;
  private final Map<String, Optional<AccessRule>> rules = new ConcurrentHashMap<>();

  AuthenticationInterceptor(ApiKeyAuthenticator authenticator, String internalToken) {
    this.authenticator = requireNonNull(authenticator, "authenticator is null");
    this.internalToken = internalToken.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Principal principal;
    try {
      principal = authorize(call.getMethodDescriptor(), headers);
    } catch (ParleyException e) {
      return refuse(call, e);
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("requestId", CallContext.requestId())
          .setCause(e)
          .log("API key verification failed");
      return refuse(
          call, new ParleyException(ErrorCode.UNAVAILABLE, "Cannot verify the API key now; retry"));
    }
    RequestLoggingInterceptor.TENANT_SLOT.get().set(principal.tenantId());
    Context context = Context.current().withValue(CallContext.PRINCIPAL, principal);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private Principal authorize(MethodDescriptor<?, ?> method, Metadata headers) {
    AccessRule rule =
        rules
            .computeIfAbsent(method.getFullMethodName(), ignored -> accessRule(method))
            .orElseThrow(
                () ->
                    new ParleyException(
                        ErrorCode.PERMISSION_DENIED, "This method is not open to API keys"));
    if (rule.getSignedLink()) {
      return SIGNED_LINK;
    }
    if (rule.getInternal()) {
      String presented = headers.get(INTERNAL_TOKEN);
      if (internalToken.length == 0
          || presented == null
          || !MessageDigest.isEqual(internalToken, presented.getBytes(StandardCharsets.UTF_8))) {
        throw new ParleyException(
            ErrorCode.PERMISSION_DENIED, "This method is internal to Parley's services");
      }
      return INTERNAL;
    }
    String secret = presentedSecret(headers);
    if (secret == null) {
      throw new ParleyException(
          ErrorCode.UNAUTHENTICATED, "Missing API key: send it as 'Authorization: Bearer <key>'");
    }
    Principal principal =
        authenticator
            .authenticate(secret)
            .orElseThrow(
                () -> new ParleyException(ErrorCode.UNAUTHENTICATED, "Invalid or revoked API key"));
    if (rule.getAnyScopeCount() > 0 && !principal.hasAnyScope(rule.getAnyScopeList())) {
      throw new ParleyException(
          ErrorCode.PERMISSION_DENIED,
          "This API key lacks the scope for this operation; needs one of: "
              + String.join(", ", rule.getAnyScopeList()));
    }
    if (!principal.hasAllScopes(rule.getAllScopeList())) {
      throw new ParleyException(
          ErrorCode.PERMISSION_DENIED,
          "This API key lacks the scope for this operation; needs all of: "
              + String.join(", ", rule.getAllScopeList()));
    }
    return principal;
  }

  private static String presentedSecret(Metadata headers) {
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null) {
      String trimmed = authorization.strip();
      if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return trimmed.substring(7).strip();
      }
      return null;
    }
    String apiKey = headers.get(API_KEY);
    return apiKey == null ? null : apiKey.strip();
  }

  private static Optional<AccessRule> accessRule(MethodDescriptor<?, ?> method) {
    if (method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier) {
      var options = supplier.getMethodDescriptor().getOptions();
      if (options.hasExtension(OptionsProto.access)) {
        AccessRule rule = options.getExtension(OptionsProto.access);
        return rule.getAnyScopeCount() == 0
                && rule.getAllScopeCount() == 0
                && !rule.getInternal()
                && !rule.getSignedLink()
            ? Optional.empty()
            : Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(
      ServerCall<Q, R> call, ParleyException exception) {
    ErrorStatuses.Failure failure = ErrorStatuses.of(exception, CallContext.requestId());
    call.close(failure.status(), failure.trailers());
    return new ServerCall.Listener<>() {};
  }
}
