package dev.parley.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.UnframedGrpcErrorHandler;
import dev.parley.platform.error.ErrorStatuses;
import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.util.AttributeKey;
import java.util.Base64;
import java.util.UUID;

/**
 * What plain transcoding cannot say, applied the same way as Envoy's Lua filter in {@code envoy/}:
 *
 * <ul>
 *   <li>a success status other than 200: a backend sends the response header {@code
 *       parley-http-status} (201, 204, ...) and the gateway answers with that status (and no body
 *       for 204);
 *   <li>error bodies in the dialect's shape, for backend errors, transcoding errors and the
 *       server's own (404 route, 413 body too large, ...);
 *   <li>a request id on every request ({@code x-request-id}, kept when the caller sends one) that
 *       the backends log and every response carries.
 * </ul>
 */
final class DialectResponses {
  /** Response header by which a backend asks for a non-200 success status. */
  static final String SUCCESS_STATUS_HEADER = "parley-http-status";

  private static final Metadata.Key<String> SUCCESS_STATUS =
      Metadata.Key.of(SUCCESS_STATUS_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  private static final AttributeKey<Integer> SUCCESS_STATUS_ATTRIBUTE =
      AttributeKey.valueOf(DialectResponses.class, "successStatus");
  private static final AttributeKey<String> REQUEST_ID_ATTRIBUTE =
      AttributeKey.valueOf(DialectResponses.class, "requestId");
  private static final String STATUS_DETAILS_HEADER = "grpc-status-details-bin";

  /** Request header telling backends the URL the caller used, for absolute links. */
  static final String BASE_URL_HEADER = "parley-base-url";

  private DialectResponses() {}

  /** scheme://host[:port] as the caller reached the gateway (or the proxy in front of it). */
  static String baseUrl(ServiceRequestContext context, RequestHeaders headers) {
    String scheme = headers.get("x-forwarded-proto");
    String host = headers.get("x-forwarded-host");
    if (scheme == null || !scheme.matches("https?")) {
      scheme = context.sessionProtocol().isTls() ? "https" : "http";
    }
    if (host == null || !host.matches("[A-Za-z0-9.:\\[\\]-]{1,255}")) {
      host = headers.authority();
    }
    return scheme + "://" + host;
  }

  /** Called by the forwarder with the backend's response headers. */
  static void recordSuccessStatus(ServiceRequestContext context, Metadata headers) {
    String status = headers.get(SUCCESS_STATUS);
    if (status != null && status.matches("2\\d\\d")) {
      context.setAttr(SUCCESS_STATUS_ATTRIBUTE, Integer.parseInt(status));
    }
  }

  /** Decorates the transcoding service. gRPC callers pass through untouched. */
  static HttpResponse decorate(
      HttpService delegate, ServiceRequestContext context, HttpRequest request) throws Exception {
    String requestId = requestId(request.headers());
    context.setAttr(REQUEST_ID_ATTRIBUTE, requestId);
    HttpRequest withId =
        request.withHeaders(
            request.headers().toBuilder()
                .set(ErrorBodies.REQUEST_ID_HEADER, requestId)
                .set(BASE_URL_HEADER, baseUrl(context, request.headers()))
                .build());
    MediaType contentType = request.contentType();
    if (contentType != null && contentType.subtype().startsWith("grpc")) {
      return delegate.serve(context, withId);
    }
    HttpResponse response = delegate.serve(context, withId);
    return HttpResponse.of(
        response
            .aggregate()
            .thenApply(aggregated -> successStatus(context, aggregated, requestId)));
  }

  private static HttpResponse successStatus(
      ServiceRequestContext context, AggregatedHttpResponse response, String requestId) {
    ResponseHeaders headers = response.headers();
    Integer status = context.attr(SUCCESS_STATUS_ATTRIBUTE);
    ResponseHeadersBuilder rewritten =
        headers.toBuilder()
            .set(ErrorBodies.REQUEST_ID_HEADER, requestId)
            .removeAndThen(SUCCESS_STATUS_HEADER);
    // gRPC transport headers mean nothing to a REST caller (Envoy drops them too).
    headers.names().stream()
        .filter(name -> name.toString().startsWith("grpc-"))
        .forEach(rewritten::remove);
    HttpData content = response.content();
    if (headers.status().code() == 200 && MediaType.JSON_UTF_8.is(headers.contentType())) {
      content = HttpData.wrap(JsonNumbers.normalize(content.array()));
      rewritten.contentLength(content.length());
    }
    if (status == null || headers.status().code() != 200) {
      return AggregatedHttpResponse.of(rewritten.build(), content).toHttpResponse();
    }
    if (status == 204) {
      return HttpResponse.of(
          ResponseHeaders.builder(HttpStatus.NO_CONTENT)
              .set(ErrorBodies.REQUEST_ID_HEADER, requestId)
              .build());
    }
    return AggregatedHttpResponse.of(rewritten.status(status).build(), content).toHttpResponse();
  }

  /** Errors of transcoded calls: the backend's status, or the transcoder's own refusal. */
  static UnframedGrpcErrorHandler transcodingErrors() {
    return (context, status, response) -> {
      com.google.rpc.Status details = statusDetails(response);
      String message;
      boolean unreadable = false;
      if (details != null) {
        message = details.getMessage();
      } else if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
        // The transcoder could not read the request: malformed JSON, a wrong type, a bad query.
        message = invalidRequest(status.getDescription(), status.getCause());
        unreadable = true;
      } else {
        message =
            status.getDescription() == null ? status.getCode().name() : status.getDescription();
      }
      ErrorBodies.Failure failure =
          new ErrorBodies.Failure(
              ErrorBodies.httpStatus(status.getCode()),
              status.getCode(),
              message,
              details,
              unreadable);
      AggregatedHttpResponse rendered =
          ErrorBodies.render(
              Dialect.of(context.path()),
              failure,
              context.path(),
              context.method().name(),
              requestId(context));
      return withPassedHeaders(rendered, response).toHttpResponse();
    };
  }

  /** {@link #withPassedHeaders} from a gRPC call's trailers. */
  static AggregatedHttpResponse withPassedHeaders(
      AggregatedHttpResponse rendered, Metadata trailers) {
    return withHeaders(
        rendered, name -> trailers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER)));
  }

  /** The rendered error with the passed-on headers that {@code lookup} finds. */
  private static AggregatedHttpResponse withHeaders(
      AggregatedHttpResponse rendered, java.util.function.UnaryOperator<String> lookup) {
    ResponseHeadersBuilder headers = rendered.headers().toBuilder();
    boolean added = false;
    for (String name : ErrorStatuses.RESPONSE_HEADERS) {
      String value = lookup.apply(name);
      if (value != null) {
        headers.set(name, value);
        added = true;
      }
    }
    return added
        ? AggregatedHttpResponse.of(headers.build(), rendered.content(), rendered.trailers())
        : rendered;
  }

  /**
   * The rendered error with the response headers the backend's failure carries (Retry-After, the
   * rate-limit headers), as Envoy passes them on.
   */
  static AggregatedHttpResponse withPassedHeaders(
      AggregatedHttpResponse rendered, AggregatedHttpResponse backend) {
    if (backend == null) {
      return rendered;
    }
    return withHeaders(
        rendered,
        name -> {
          String value = backend.headers().get(name);
          return value != null ? value : backend.trailers().get(name);
        });
  }

  /** Errors the server produces before any service runs: unknown route, body too large, ... */
  static ServerErrorHandler serverErrors() {
    return new ServerErrorHandler() {
      @Override
      public HttpResponse onServiceException(ServiceRequestContext context, Throwable cause) {
        return null;
      }

      @Override
      public AggregatedHttpResponse renderStatus(
          ServiceRequestContext context,
          ServiceConfig config,
          RequestHeaders headers,
          HttpStatus status,
          String description,
          Throwable cause) {
        // No headers: the request could not be decoded (a path or header Armeria refuses); the
        // request line, read before decoding, still tells which dialect the caller spoke.
        String path = headers != null ? headers.path() : RawRequestTargets.current();
        if (path == null) {
          path = "/";
        }
        int query = path.indexOf('?');
        if (query >= 0) {
          path = path.substring(0, query);
        }
        String message =
            switch (status.code()) {
              case 404 -> "No such endpoint: " + method(headers) + " " + ErrorBodies.bounded(path);
              case 405 ->
                  "Method " + method(headers) + " is not allowed on " + ErrorBodies.bounded(path);
              case 414 -> "The request line is longer than the limit";
              case 431 -> "The request headers are larger than the limit";
              case 413 -> "The request body is larger than the limit of this endpoint";
              case 400 -> invalidRequest(description, cause);
              default -> description != null ? description : status.reasonPhrase();
            };
        // A 400 with a cause inside a service is the transcoder failing to read the request (a
        // number that is not one, malformed JSON); one without a service is a path refused.
        boolean unreadable = status.code() == 400 && context != null && cause != null;
        ErrorBodies.Failure failure =
            new ErrorBodies.Failure(status, grpcCode(status), message, null, unreadable);
        String requestId =
            context != null ? requestId(context) : headers != null ? requestId(headers) : newId();
        return ErrorBodies.render(Dialect.of(path), failure, path, method(headers), requestId);
      }
    };
  }

  /** A refusal the gateway decides itself, in the dialect of the request's path. */
  static HttpResponse failure(
      ServiceRequestContext context, HttpStatus status, Status.Code code, String message) {
    return ErrorBodies.render(
            Dialect.of(context.path()),
            new ErrorBodies.Failure(status, code, message, null),
            context.path(),
            context.method().name(),
            requestId(context))
        .toHttpResponse();
  }

  /** A readable reason for a request the transcoder could not read, without internals. */
  static String invalidRequest(String description, Throwable cause) {
    String reason = description;
    for (Throwable current = cause; current != null; current = current.getCause()) {
      if (current.getMessage() != null) {
        reason = current.getMessage();
      }
    }
    if (reason == null || reason.isBlank()) {
      return "Invalid request: the body is not valid JSON for this endpoint";
    }
    reason = reason.lines().findFirst().orElse(reason).strip();
    if (reason.length() > 300) {
      reason = reason.substring(0, 300) + "...";
    }
    return "Invalid request: " + reason;
  }

  private static String method(RequestHeaders headers) {
    return headers == null ? "" : headers.method().name();
  }

  private static Status.Code grpcCode(HttpStatus status) {
    return switch (status.code()) {
      case 400, 413 -> Status.Code.INVALID_ARGUMENT;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404, 405 -> Status.Code.NOT_FOUND;
      case 429 -> Status.Code.RESOURCE_EXHAUSTED;
      case 503 -> Status.Code.UNAVAILABLE;
      case 504 -> Status.Code.DEADLINE_EXCEEDED;
      default -> status.code() < 500 ? Status.Code.INVALID_ARGUMENT : Status.Code.INTERNAL;
    };
  }

  private static com.google.rpc.Status statusDetails(AggregatedHttpResponse response) {
    if (response == null) {
      return null;
    }
    for (HttpHeaders headers : new HttpHeaders[] {response.trailers(), response.headers()}) {
      String encoded = headers.get(STATUS_DETAILS_HEADER);
      if (encoded != null) {
        try {
          return com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(padded(encoded)));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String padded(String base64) {
    return base64 + "=".repeat((4 - base64.length() % 4) % 4);
  }

  private static String requestId(ServiceRequestContext context) {
    String requestId = context.attr(REQUEST_ID_ATTRIBUTE);
    return requestId != null ? requestId : requestId(context.request().headers());
  }

  static String requestId(RequestHeaders headers) {
    String presented = headers.get(ErrorBodies.REQUEST_ID_HEADER);
    if (presented != null && presented.matches("[A-Za-z0-9._:-]{1,128}")) {
      return presented;
    }
    return newId();
  }

  private static String newId() {
    return "req_" + UUID.randomUUID().toString().replace("-", "");
  }
}
