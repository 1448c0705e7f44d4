package dev.parley.gateway;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.util.HashSet;
import java.util.Set;

/**
 * JSON as Envoy's transcoder writes and reads it: every field without presence is printed even when
 * it holds its default ({@code always_print_primitive_fields}: {@code "count": 0}, {@code
 * "conversations": []}), fields with presence ({@code optional}, messages) only when set, and
 * unknown request fields are ignored.
 */
final class JsonMarshalling {
  private JsonMarshalling() {}

  static GrpcJsonMarshaller forService(ServiceDescriptor service) {
    Set<FieldDescriptor> withoutPresence = new HashSet<>();
    Set<Descriptor> seen = new HashSet<>();
    var proto =
        ((ProtoServiceDescriptorSupplier) service.getSchemaDescriptor()).getServiceDescriptor();
    for (MethodDescriptor method : proto.getMethods()) {
      collect(method.getInputType(), withoutPresence, seen);
      collect(method.getOutputType(), withoutPresence, seen);
    }
    return GrpcJsonMarshaller.builder()
        .jsonMarshallerCustomizer(
            marshaller ->
                marshaller
                    .includingDefaultValueFields(withoutPresence)
                    .ignoringUnknownFields(true)
                    .omittingInsignificantWhitespace(true))
        .build(service);
  }

  private static void collect(Descriptor type, Set<FieldDescriptor> fields, Set<Descriptor> seen) {
    if (!seen.add(type) || type.getFile().getPackage().startsWith("google.protobuf")) {
      return;
    }
    for (FieldDescriptor field : type.getFields()) {
      if (!field.hasPresence()) {
        fields.add(field);
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        collect(field.getMessageType(), fields, seen);
      }
    }
  }
}
