package dev.parley.platform.proto;

import com.google.api.AnnotationsProto;
import com.google.common.collect.ImmutableList;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.ExtensionRegistry;
import dev.parley.type.v1.Backend;
import dev.parley.type.v1.OptionsProto;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Every Parley gRPC service, found in the descriptor set that {@code proto/} builds ({@code
 * parley.pb}, the same file Envoy's transcoder reads), with the backend that serves it. Gateways
 * route from this list, so a new contract is served without code listing it.
 */
public final class ServiceCatalog {
  /** Classpath location of the descriptor set. */
  public static final String DESCRIPTOR_SET = "/parley.pb";

  private ServiceCatalog() {}

  /**
   * A gRPC service and its backend; {@code internal} when every method is for Parley's own services
   * only ({@code access.internal}: the event streams and parked events). Internal services are
   * never served at the edge, in either front.
   */
  public record RoutedService(ServiceDescriptor descriptor, Backend backend, boolean internal) {
    public String name() {
      return descriptor.getName();
    }
  }

  /** The descriptor set, with Parley's and google.api's options readable. */
  public static FileDescriptorSet descriptorSet() {
    ExtensionRegistry registry = ExtensionRegistry.newInstance();
    OptionsProto.registerAllExtensions(registry);
    AnnotationsProto.registerAllExtensions(registry);
    try (InputStream input = ServiceCatalog.class.getResourceAsStream(DESCRIPTOR_SET)) {
      if (input == null) {
        throw new IllegalStateException(DESCRIPTOR_SET + " is missing from the classpath");
      }
      return FileDescriptorSet.parseFrom(input, registry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All services of the {@code parley.*} packages. */
  public static List<RoutedService> services() {
    ImmutableList.Builder<RoutedService> services = ImmutableList.builder();
    for (FileDescriptorProto file : descriptorSet().getFileList()) {
      if (!file.getPackage().startsWith("parley.")) {
        continue;
      }
      for (ServiceDescriptorProto service : file.getServiceList()) {
        ServiceDescriptor descriptor = generatedDescriptor(file, service);
        services.add(new RoutedService(descriptor, backend(descriptor), internal(descriptor)));
      }
    }
    return services.build();
  }

  private static ServiceDescriptor generatedDescriptor(
      FileDescriptorProto file, ServiceDescriptorProto service) {
    String className = file.getOptions().getJavaPackage() + "." + service.getName() + "Grpc";
    try {
      return (ServiceDescriptor)
          Class.forName(className).getMethod("getServiceDescriptor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("No generated stub " + className, e);
    }
  }

  /** The services the edge serves: every one but the internal ones. */
  public static List<RoutedService> edgeServices() {
    return services().stream().filter(service -> !service.internal()).toList();
  }

  private static boolean internal(ServiceDescriptor descriptor) {
    Descriptors.ServiceDescriptor proto =
        ((ProtoServiceDescriptorSupplier) descriptor.getSchemaDescriptor()).getServiceDescriptor();
    return proto.getMethods().stream()
        .allMatch(method -> method.getOptions().getExtension(OptionsProto.access).getInternal());
  }

  private static Backend backend(ServiceDescriptor descriptor) {
    Descriptors.ServiceDescriptor proto =
        ((ProtoServiceDescriptorSupplier) descriptor.getSchemaDescriptor()).getServiceDescriptor();
    Backend backend = proto.getOptions().getExtension(OptionsProto.backend);
    if (backend == Backend.BACKEND_UNSPECIFIED) {
      throw new IllegalStateException(
          proto.getFullName() + " does not name its backend with (parley.type.v1.backend)");
    }
    return backend;
  }
}
