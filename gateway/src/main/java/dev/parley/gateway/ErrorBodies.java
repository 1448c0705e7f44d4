package dev.parley.gateway;

import com.google.common.collect.ImmutableMap;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.parley.platform.error.ErrorStatuses;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a failure in the error shape of the dialect that was called. The same failure reaches
 * here from three places: a backend's gRPC status (with its {@code google.rpc.Status} details), the
 * transcoder refusing a request (malformed JSON, wrong types), and the server itself (no route,
 * body too large). Envoy's Lua filter in {@code envoy/} renders the same shapes.
 */
final class ErrorBodies {
  static final String REQUEST_ID_HEADER = "x-request-id";

  /** Envoy's mapping of gRPC codes to HTTP statuses (grpc_json_transcoder). */
  private static final Map<Status.Code, HttpStatus> HTTP_STATUS =
      ImmutableMap.<Status.Code, HttpStatus>builder()
          .put(Status.Code.OK, HttpStatus.OK)
          .put(Status.Code.CANCELLED, HttpStatus.valueOf(499))
          .put(Status.Code.UNKNOWN, HttpStatus.INTERNAL_SERVER_ERROR)
          .put(Status.Code.INVALID_ARGUMENT, HttpStatus.BAD_REQUEST)
          .put(Status.Code.DEADLINE_EXCEEDED, HttpStatus.GATEWAY_TIMEOUT)
          .put(Status.Code.NOT_FOUND, HttpStatus.NOT_FOUND)
          .put(Status.Code.ALREADY_EXISTS, HttpStatus.CONFLICT)
          .put(Status.Code.PERMISSION_DENIED, HttpStatus.FORBIDDEN)
          .put(Status.Code.RESOURCE_EXHAUSTED, HttpStatus.TOO_MANY_REQUESTS)
          .put(Status.Code.FAILED_PRECONDITION, HttpStatus.BAD_REQUEST)
          .put(Status.Code.ABORTED, HttpStatus.CONFLICT)
          .put(Status.Code.OUT_OF_RANGE, HttpStatus.BAD_REQUEST)
          .put(Status.Code.UNIMPLEMENTED, HttpStatus.NOT_IMPLEMENTED)
          .put(Status.Code.INTERNAL, HttpStatus.INTERNAL_SERVER_ERROR)
          .put(Status.Code.UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE)
          .put(Status.Code.DATA_LOSS, HttpStatus.INTERNAL_SERVER_ERROR)
          .put(Status.Code.UNAUTHENTICATED, HttpStatus.UNAUTHORIZED)
          .build();

  private static final MediaType PROBLEM_JSON = MediaType.parse("application/problem+json");

  /** How the services' message for a request without any API key begins. */
  static final String MISSING_KEY = "Missing API key";

  private ErrorBodies() {}

  /**
   * What went wrong, in the terms every dialect renders from; {@code unreadable} when the
   * transcoder could not read the request into its message (malformed JSON, a wrong type).
   */
  record Failure(
      HttpStatus status,
      Status.Code grpcCode,
      String message,
      com.google.rpc.Status details,
      boolean unreadable) {
    Failure(
        HttpStatus status, Status.Code grpcCode, String message, com.google.rpc.Status details) {
      this(status, grpcCode, message, details, false);
    }
  }

  static HttpStatus httpStatus(Status.Code code) {
    return HTTP_STATUS.getOrDefault(code, HttpStatus.INTERNAL_SERVER_ERROR);
  }

  /**
   * The failure in the dialect's error shape. {@code method} is the caller's HTTP method (empty
   * when unknown): Bedrock's validation errors name the query or the body as FastAPI does.
   */
  static AggregatedHttpResponse render(
      Dialect dialect, Failure failure, String path, String method, String requestId) {
    String verbatim = failure.details() == null ? null : verbatimBody(failure.details());
    if (verbatim != null && dialect != Dialect.NATIVE) {
      // The vendor's own ad-hoc body for this failure ({"error": "..."}), as the service wrote it.
      return json(failure.status(), MediaType.JSON_UTF_8, requestId, verbatim);
    }
    return switch (dialect) {
      case INKEEP -> inkeep(failure, bounded(path), requestId);
      case GITBOOK -> gitbook(failure, requestId);
      case BEDROCK -> bedrock(failure, method, requestId);
      case ALLI -> alli(failure, requestId);
      case POSTHOG -> posthog(failure, requestId);
      case NATIVE -> envoy(failure, requestId);
    };
  }

  /**
   * Bedrock Chat's shapes: FastAPI's 422 {@code {"detail": [{type, loc, msg, input}]}} for what
   * FastAPI refuses while reading the request (a field error, or a body the transcoder could not
   * read), upstream's {@code {"errors": [message]}} for everything else.
   */
  private static AggregatedHttpResponse bedrock(Failure failure, String method, String requestId) {
    if (failure.status().code() == 400) {
      BadRequest badRequest = failure.details() == null ? null : badRequest(failure.details());
      Map<String, Object> item = new LinkedHashMap<>();
      if (badRequest != null && badRequest.getFieldViolationsCount() > 0) {
        BadRequest.FieldViolation violation = badRequest.getFieldViolations(0);
        // A field that is simply absent is FastAPI's "missing"; any other rule a value_error.
        boolean missing =
            violation.getDescription().equals("is required")
                || violation.getReason().equals("required");
        String where = method.equals("GET") || method.equals("DELETE") ? "query" : "body";
        item.put("type", missing ? "missing" : "value_error");
        List<String> loc = new java.util.ArrayList<>(List.of(where));
        loc.addAll(List.of(violation.getField().split("\\.")));
        item.put("loc", loc);
        item.put("msg", missing ? "Field required" : "Value error, " + violation.getDescription());
        item.put("input", null);
      } else if (failure.unreadable() && (method.equals("GET") || method.equals("DELETE"))) {
        item.put("type", "value_error");
        item.put("loc", List.of("query"));
        item.put("msg", failure.message());
        item.put("input", null);
      } else if (failure.unreadable()) {
        item.put("type", "json_invalid");
        item.put("loc", List.of("body"));
        item.put("msg", "JSON decode error");
        item.put("input", Map.of());
        item.put("ctx", Map.of("error", failure.message()));
      }
      if (!item.isEmpty()) {
        return json(
            HttpStatus.UNPROCESSABLE_ENTITY,
            MediaType.JSON_UTF_8,
            requestId,
            Json.write(Map.of("detail", List.of(item))));
      }
    }
    return json(
        failure.status(),
        MediaType.JSON_UTF_8,
        requestId,
        Json.write(Map.of("errors", List.of(failure.message()))));
  }

  /**
   * PostHog's drf-exceptions-hog envelope {@code {type, code, detail, attr}}: a field error names
   * its field in {@code attr} and passes its own DRF code (the violation's reason) through, with
   * the generic {@code invalid} renamed {@code invalid_input} as drf-exceptions-hog does; a request
   * without any credentials is DRF's {@code not_authenticated}.
   */
  private static AggregatedHttpResponse posthog(Failure failure, String requestId) {
    String detail = failure.message();
    String attr = null;
    String reason = "invalid";
    BadRequest badRequest = failure.details() == null ? null : badRequest(failure.details());
    if (badRequest != null && badRequest.getFieldViolationsCount() > 0) {
      BadRequest.FieldViolation violation = badRequest.getFieldViolations(0);
      attr = violation.getField();
      detail = violation.getDescription();
      reason = violation.getReason().isEmpty() ? reason : violation.getReason();
    }
    int status = failure.status().code();
    boolean noCredentials = status == 401 && detail.startsWith(MISSING_KEY);
    if (noCredentials) {
      detail = "Authentication credentials were not provided.";
    }
    String type =
        switch (status) {
          case 400, 413, 415, 422 -> "validation_error";
          case 401, 403 -> "authentication_error";
          case 429 -> "throttled_error";
          default -> status < 500 ? "invalid_request" : "server_error";
        };
    String code =
        switch (status) {
          case 400, 413, 415, 422 -> reason.equals("invalid") ? "invalid_input" : reason;
          case 401 -> noCredentials ? "not_authenticated" : "authentication_failed";
          case 403 -> "permission_denied";
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 409 -> "conflict";
          case 429 -> "throttled";
          default -> "error";
        };
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("code", code);
    body.put("detail", detail);
    body.put("attr", attr);
    return json(failure.status(), MediaType.JSON_UTF_8, requestId, Json.write(body));
  }

  /**
   * Alli's observed shapes: {@code {"error": {"value": 1013, "name": "INVALID_TOKEN"}, "message":
   * "INVALID_TOKEN"}} for a missing or bad key, {@code {"result": [], "errors": message}} for the
   * rest.
   */
  private static AggregatedHttpResponse alli(Failure failure, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (failure.status().code() == 401) {
      body.put("error", ImmutableMap.of("value", 1013, "name", "INVALID_TOKEN"));
      body.put("message", "INVALID_TOKEN");
    } else {
      body.put("result", List.of());
      body.put("errors", failure.message());
    }
    return json(failure.status(), MediaType.JSON_UTF_8, requestId, Json.write(body));
  }

  /** Inkeep's problem+json, with its legacy {@code error} copy and its six codes. */
  private static AggregatedHttpResponse inkeep(Failure failure, String path, String requestId) {
    String code =
        switch (failure.status().code()) {
          case 400, 409, 413, 415 -> "bad_request";
          case 401 -> "unauthorized";
          case 403 -> "forbidden";
          case 404, 405 -> "not_found";
          case 422 -> "unprocessable_entity";
          default -> failure.status().code() < 500 ? "bad_request" : "internal_server_error";
        };
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", failure.status().reasonPhrase());
    body.put("status", failure.status().code());
    body.put("detail", failure.message());
    body.put("instance", path);
    body.put("requestId", requestId);
    body.put("code", code);
    body.put("error", ImmutableMap.of("code", code, "message", failure.message()));
    return json(failure.status(), PROBLEM_JSON, requestId, Json.write(body));
  }

  /** GitBook's {@code {"error": {"code": <HTTP status>, "message": ...}}}. */
  private static AggregatedHttpResponse gitbook(Failure failure, String requestId) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", failure.status().code());
    error.put("message", failure.message());
    return json(
        failure.status(), MediaType.JSON_UTF_8, requestId, Json.write(Map.of("error", error)));
  }

  /** Envoy's {@code convert_grpc_status} body: the google.rpc.Status as JSON. */
  private static AggregatedHttpResponse envoy(Failure failure, String requestId) {
    com.google.rpc.Status status =
        failure.details() != null
            ? failure.details()
            : com.google.rpc.Status.newBuilder()
                .setCode(failure.grpcCode().value())
                .setMessage(failure.message())
                .build();
    String body;
    try {
      body =
          JsonFormat.printer()
              .usingTypeRegistry(
                  JsonFormat.TypeRegistry.newBuilder()
                      .add(ErrorInfo.getDescriptor())
                      .add(BadRequest.getDescriptor())
                      .build())
              .omittingInsignificantWhitespace()
              .print(status);
    } catch (InvalidProtocolBufferException e) {
      body = Json.write(Map.of("code", failure.grpcCode().value(), "message", failure.message()));
    }
    return json(failure.status(), MediaType.JSON_UTF_8, requestId, body);
  }

  private static AggregatedHttpResponse json(
      HttpStatus status, MediaType type, String requestId, String body) {
    return AggregatedHttpResponse.of(
        ResponseHeaders.builder(status).contentType(type).set(REQUEST_ID_HEADER, requestId).build(),
        HttpData.ofUtf8(body));
  }

  /** A path as an error body may echo it: at most 200 characters. */
  static String bounded(String path) {
    return path.length() <= 200 ? path : path.substring(0, 197) + "...";
  }

  /** The verbatim dialect body a service attached to a status (ErrorInfo metadata), or null. */
  static String verbatimBody(com.google.rpc.Status status) {
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          String body = detail.unpack(ErrorInfo.class).getMetadataMap().get(ErrorStatuses.BODY_KEY);
          if (body != null) {
            return body;
          }
        } catch (InvalidProtocolBufferException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** The BadRequest of a status, if it has one. */
  static BadRequest badRequest(com.google.rpc.Status status) {
    for (Any detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        try {
          return detail.unpack(BadRequest.class);
        } catch (InvalidProtocolBufferException e) {
          return null;
        }
      }
    }
    return null;
  }
}
