package dev.parley.gateway;

import static java.util.Objects.requireNonNull;

import com.google.api.AnnotationsProto;
import com.google.api.HttpBody;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.parley.platform.ops.Tracing;
import dev.parley.platform.proto.HttpRules;
import dev.parley.platform.proto.ServiceCatalog.RoutedService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.Status;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The routes of server-streaming methods that answer with {@code stream google.api.HttpBody}
 * (PostHog's server-sent events): Armeria's transcoding serves unary methods only, so these are
 * transcoded here, the way Envoy's transcoder does it, and streamed without buffering. The path's
 * variables and the JSON body (the rule's {@code body} field, or the whole request for "*") make
 * the request; each HttpBody's bytes are written to the client as they arrive, under the content
 * type of the first. A failure before the first body is answered in the dialect's error shape; the
 * client going away cancels the call.
 */
final class BodyStreams implements HttpService {
  private final Channel channel;
  private final MethodDescriptor<Message, HttpBody> method;
  private final HttpRule rule;
  private final Descriptors.MethodDescriptor proto;
  private final Tracing tracing;

  private BodyStreams(
      Channel channel,
      MethodDescriptor<Message, HttpBody> method,
      HttpRule rule,
      Descriptors.MethodDescriptor proto,
      Tracing tracing) {
    this.tracing = requireNonNull(tracing, "tracing is null");
    this.channel = requireNonNull(channel, "channel is null");
    this.method = requireNonNull(method, "method is null");
    this.rule = requireNonNull(rule, "rule is null");
    this.proto = requireNonNull(proto, "proto is null");
  }

  /** Binds a route for every such method of the services; the routes bound. */
  @SuppressWarnings("unchecked")
  static int bind(ServerBuilder server, RoutedService service, Channel channel, Tracing tracing) {
    Descriptors.ServiceDescriptor descriptor =
        ((ProtoServiceDescriptorSupplier) service.descriptor().getSchemaDescriptor())
            .getServiceDescriptor();
    int bound = 0;
    for (Descriptors.MethodDescriptor method : descriptor.getMethods()) {
      if (!method.isServerStreaming()
          || method.isClientStreaming()
          || !method.getOutputType().getFullName().equals(HttpBody.getDescriptor().getFullName())
          || !method.getOptions().hasExtension(AnnotationsProto.http)) {
        continue;
      }
      HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
      MethodDescriptor<?, ?> grpcMethod =
          service.descriptor().getMethods().stream()
              .filter(candidate -> candidate.getBareMethodName().equals(method.getName()))
              .findFirst()
              .orElseThrow();
      Route route =
          Route.builder()
              .path(HttpRules.template(rule))
              .methods(HttpMethod.valueOf(HttpRules.verb(rule)))
              .build();
      server
          .route()
          .addRoute(route)
          .build(
              new BodyStreams(
                  channel,
                  (MethodDescriptor<Message, HttpBody>) grpcMethod,
                  rule,
                  method,
                  tracing));
      bound++;
    }
    return bound;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext context, HttpRequest request) {
    // A stream lasts as long as its work; silence is bounded by the service's keepalives.
    context.clearRequestTimeout();
    String requestId = DialectResponses.requestId(request.headers());
    return HttpResponse.of(
        request
            .aggregate()
            .thenApply(
                aggregated -> {
                  Message message;
                  try {
                    message = message(context, aggregated.contentUtf8());
                  } catch (InvalidProtocolBufferException | RuntimeException e) {
                    return DialectResponses.failure(
                        context,
                        HttpStatus.BAD_REQUEST,
                        Status.Code.INVALID_ARGUMENT,
                        DialectResponses.invalidRequest(e.getMessage(), e.getCause()));
                  }
                  Metadata headers = UpstreamForwarder.forwarded(aggregated.headers());
                  headers.put(
                      Metadata.Key.of(
                          ErrorBodies.REQUEST_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER),
                      requestId);
                  headers.put(
                      Metadata.Key.of(
                          DialectResponses.BASE_URL_HEADER, Metadata.ASCII_STRING_MARSHALLER),
                      DialectResponses.baseUrl(context, aggregated.headers()));
                  return stream(context, message, headers, requestId);
                }));
  }

  /** The request: the path's variables and the body as the rule maps them. */
  private Message message(ServiceRequestContext context, String json)
      throws InvalidProtocolBufferException {
    Message.Builder builder =
        ((PrototypeMarshaller<Message>) method.getRequestMarshaller())
            .getMessagePrototype()
            .newBuilderForType();
    JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();
    if (!rule.getBody().isEmpty() && !json.isBlank()) {
      if (rule.getBody().equals("*")) {
        parser.merge(json, builder);
      } else {
        Descriptors.FieldDescriptor field = proto.getInputType().findFieldByName(rule.getBody());
        Message.Builder body = builder.newBuilderForField(field);
        parser.merge(json, body);
        builder.setField(field, body.build());
      }
    }
    for (Map.Entry<String, String> variable : context.pathParams().entrySet()) {
      Descriptors.FieldDescriptor field = proto.getInputType().findFieldByName(variable.getKey());
      if (field != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
        builder.setField(field, variable.getValue());
      }
    }
    return builder.build();
  }

  private HttpResponse stream(
      ServiceRequestContext context, Message message, Metadata headers, String requestId) {
    HttpResponseWriter writer = HttpResponse.streaming();
    ClientCall<Message, HttpBody> call;
    // The stream's span continues the REST caller's trace.
    try (Scope scope = tracing.parent(headers).makeCurrent()) {
      call = channel.newCall(method, CallOptions.DEFAULT);
    }
    AtomicBoolean started = new AtomicBoolean();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(HttpBody body) {
            if (started.compareAndSet(false, true)) {
              MediaType type =
                  body.getContentType().isEmpty()
                      ? MediaType.OCTET_STREAM
                      : MediaType.parse(body.getContentType());
              writer.tryWrite(
                  ResponseHeaders.builder(HttpStatus.OK)
                      .contentType(type)
                      .set("cache-control", "no-cache")
                      .set(ErrorBodies.REQUEST_ID_HEADER, requestId)
                      .build());
            }
            if (!body.getData().isEmpty()
                && !writer.tryWrite(HttpData.wrap(body.getData().toByteArray()))) {
              return; // the client went away: the call is being cancelled
            }
            // The next chunk once the client has taken this one: a slow reader slows the call.
            writer.whenConsumed().thenRun(() -> call.request(1));
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (started.get()) {
              writer.close();
              return;
            }
            if (status.isOk()) {
              writer.write(
                  ResponseHeaders.builder(HttpStatus.OK)
                      .set(ErrorBodies.REQUEST_ID_HEADER, requestId)
                      .build());
              writer.close();
              return;
            }
            com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
            String text =
                details.getMessage().isEmpty()
                    ? (status.getDescription() == null
                        ? status.getCode().name()
                        : status.getDescription())
                    : details.getMessage();
            AggregatedHttpResponse rendered =
                ErrorBodies.render(
                    Dialect.of(context.path()),
                    new ErrorBodies.Failure(
                        ErrorBodies.httpStatus(status.getCode()), status.getCode(), text, details),
                    context.path(),
                    context.method().name(),
                    requestId);
            AggregatedHttpResponse withHeaders =
                DialectResponses.withPassedHeaders(rendered, trailers);
            writer.write(withHeaders.headers());
            if (!withHeaders.content().isEmpty()) {
              writer.write(withHeaders.content());
            }
            writer.close();
          }
        },
        headers);
    writer
        .whenComplete()
        .handle(
            (ignored, failure) -> {
              if (failure != null) {
                call.cancel("The client went away", null);
              }
              return null;
            });
    call.sendMessage(message);
    call.halfClose();
    call.request(1);
    return writer;
  }
}
