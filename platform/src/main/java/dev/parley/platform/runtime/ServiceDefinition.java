package dev.parley.platform.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.Module;
import dev.parley.platform.config.Setting;

/**
 * What makes a Parley service: its name, the schema it owns and migrates, the setting of its
 * port, and the Guice module that binds its gRPC services (into a {@code Set<BindableService>}).
 */
public record ServiceDefinition(String name, String schema, Setting portSetting, Module module) {
  public ServiceDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(portSetting, "portSetting is null");
    requireNonNull(module, "module is null");
  }
}
