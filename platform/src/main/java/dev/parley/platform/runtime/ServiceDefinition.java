package dev.parley.platform.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.Module;
import dev.parley.platform.config.Setting;
import dev.parley.type.v1.Backend;

/**
 * What makes a Parley service: its name, the schema it owns and migrates, the setting of its port,
 * the backend it is in the contracts' {@code (parley.type.v1.backend)} option, and the Guice module
 * that binds its gRPC services (into a {@code Set<BindableService>}).
 */
public record ServiceDefinition(
    String name, String schema, Setting portSetting, Backend backend, Module module) {
  public ServiceDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(portSetting, "portSetting is null");
    requireNonNull(backend, "backend is null");
    requireNonNull(module, "module is null");
  }
}
