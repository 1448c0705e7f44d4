package dev.parley.platform.grpc;

import com.google.api.AnnotationsProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.ListValue;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.platform.error.ErrorStatuses;
import dev.parley.platform.error.ParleyException;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a request holding a string that PostgreSQL's text cannot store: the NUL character
 * (U+0000). Every string of the request is checked, Struct keys and values included, before any
 * service method sees it, and the first offending field is named as the caller wrote it (its JSON
 * name, {@code messages[2].content}). Without this, a NUL failed deep in a write as an internal
 * error, on any of the routes that store text.
 */
final class TextInputInterceptor implements ServerInterceptor {
  /** Per method, the request field that holds the HTTP body (its rule's {@code body: "field"}). */
  private final Map<String, String> bodyFields = new ConcurrentHashMap<>();

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    String bodyField =
        bodyFields.computeIfAbsent(method.getFullMethodName(), ignored -> bodyField(method));
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof Message request) {
          try {
            check(request, "");
          } catch (ParleyException e) {
            throw asCallerWroteIt(e, bodyField);
          }
        }
        super.onMessage(message);
      }
    };
  }

  /**
   * A REST caller sends the body field's content as the whole body: a path under it is named
   * without it ({@code distinct_id}, not {@code body.distinct_id}).
   */
  private static ParleyException asCallerWroteIt(ParleyException e, String bodyField) {
    String prefix = bodyField + ".";
    ParleyException.FieldViolation violation = e.violations().getFirst();
    if (bodyField.isEmpty() || !violation.field().startsWith(prefix)) {
      return e;
    }
    return ParleyException.invalidArgument(
        violation.field().substring(prefix.length()), violation.description());
  }

  private static String bodyField(MethodDescriptor<?, ?> method) {
    if (!(method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier)) {
      return "";
    }
    Descriptors.MethodDescriptor proto = supplier.getMethodDescriptor();
    String body = proto.getOptions().getExtension(AnnotationsProto.http).getBody();
    if (body.isEmpty() || body.equals("*")) {
      return "";
    }
    FieldDescriptor field = proto.getInputType().findFieldByName(body);
    return field == null ? "" : field.getJsonName();
  }

  /** Throws INVALID_ARGUMENT naming the first field whose string holds a NUL. */
  static void check(Message message, String path) {
    switch (message) {
      case Struct struct -> checkStruct(struct, path);
      case Value value -> checkValue(value, path);
      case ListValue list -> checkList(list, path);
      default -> {
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
          FieldDescriptor descriptor = field.getKey();
          String name = join(path, descriptor.getJsonName());
          if (descriptor.isMapField()) {
            for (Object entry : (List<?>) field.getValue()) {
              MapEntry<?, ?> mapEntry = (MapEntry<?, ?>) entry;
              checkKey(mapEntry.getKey(), name);
              checkItem(mapEntry.getValue(), join(name, String.valueOf(mapEntry.getKey())));
            }
          } else if (descriptor.isRepeated()) {
            List<?> items = (List<?>) field.getValue();
            for (int i = 0; i < items.size(); i++) {
              checkItem(items.get(i), name + "[" + i + "]");
            }
          } else {
            checkItem(field.getValue(), name);
          }
        }
      }
    }
  }

  private static void checkItem(Object item, String path) {
    switch (item) {
      case String text -> checkText(text, path);
      case Message nested -> check(nested, path);
      default -> {}
    }
  }

  private static void checkStruct(Struct struct, String path) {
    for (Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
      checkKey(field.getKey(), path);
      checkValue(field.getValue(), join(path, field.getKey()));
    }
  }

  private static void checkValue(Value value, String path) {
    switch (value.getKindCase()) {
      case STRING_VALUE -> checkText(value.getStringValue(), path);
      case STRUCT_VALUE -> checkStruct(value.getStructValue(), path);
      case LIST_VALUE -> checkList(value.getListValue(), path);
      default -> {}
    }
  }

  private static void checkList(ListValue list, String path) {
    for (int i = 0; i < list.getValuesCount(); i++) {
      checkValue(list.getValues(i), path + "[" + i + "]");
    }
  }

  private static void checkKey(Object key, String path) {
    if (key instanceof String text && text.indexOf('\0') >= 0) {
      throw refused(path.isEmpty() ? "(a key)" : path + " (a key)");
    }
  }

  private static void checkText(String text, String path) {
    if (text.indexOf('\0') >= 0) {
      throw refused(path);
    }
  }

  private static ParleyException refused(String path) {
    return ParleyException.invalidArgument(
        ErrorStatuses.bounded(path, 200), "must not contain the NUL character (\\u0000)");
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
