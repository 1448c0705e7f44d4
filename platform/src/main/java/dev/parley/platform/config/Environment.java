package dev.parley.platform.config;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Parley's view of the process environment: typed lookups of {@link Setting}s. */
public final class Environment {
  private static final String PREFIX = "PARLEY_";

  private final Map<String, String> variables;

  private Environment(Map<String, String> variables) {
    this.variables = ImmutableMap.copyOf(requireNonNull(variables, "variables is null"));
  }

  /** The process environment, refusing unknown {@code PARLEY_*} variables. */
  public static Environment system() {
    return of(System.getenv());
  }

  /** Refuses unknown {@code PARLEY_*} variables, listing all of them at once. */
  public static Environment of(Map<String, String> variables) {
    Set<String> known =
        Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());
    List<String> unknown = new ArrayList<>();
    for (String name : variables.keySet()) {
      if (name.startsWith(PREFIX) && !known.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigurationException(
          "Unknown configuration variables: "
              + unknown.stream().sorted().collect(Collectors.joining(", "))
              + ". Known: "
              + known.stream().sorted().collect(Collectors.joining(", ")));
    }
    return new Environment(variables);
  }

  /** The variable's value, or its default; empty when neither is set. */
  public Optional<String> find(Setting setting) {
    String value = variables.get(setting.variable());
    if (value != null && !value.isBlank()) {
      return Optional.of(value.strip());
    }
    return setting.defaultValue();
  }

  public String get(Setting setting) {
    return find(setting)
        .orElseThrow(() -> new ConfigurationException(setting.variable() + " must be set"));
  }

  public int getInt(Setting setting, int min, int max) {
    String value = get(setting);
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          setting.variable() + " must be an integer, was '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigurationException(
          setting.variable() + " must be within " + min + ".." + max + ", was " + parsed);
    }
    return parsed;
  }

  /** A copy with the given variables set, for launchers that fill in values. */
  public Environment with(Map<Setting, String> overrides) {
    Map<String, String> copy = new HashMap<>(variables);
    overrides.forEach((setting, value) -> copy.put(setting.variable(), value));
    return new Environment(copy);
  }
}
