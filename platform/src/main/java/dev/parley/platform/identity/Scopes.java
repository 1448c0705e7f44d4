package dev.parley.platform.identity;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableSet;
import dev.parley.platform.error.ParleyException;
import java.util.Map;
import java.util.Set;

/** The scopes an API key can carry and what each one grants. */
public final class Scopes {
  public static final String ALL = "*";

  /**
   * Known scopes. {@code conversation:write} alone is a write-only key (Inkeep's "web" key type):
   * it logs conversations but cannot list them.
   */
  public static final Set<String> KNOWN =
      ImmutableSet.of(
          ALL,
          "conversation:read",
          "conversation:write",
          "conversations:ingest",
          "ticket:read",
          "ticket:write",
          "analytics:read",
          "analytics:write",
          "knowledge:read",
          "knowledge:write");

  /**
   * Scopes that include others: a ticket writer reads tickets, an analytics or knowledge writer
   * reads them.
   */
  private static final Map<String, String> IMPLIED_READ =
      Map.of(
          "ticket:write",
          "ticket:read",
          "analytics:write",
          "analytics:read",
          "knowledge:write",
          "knowledge:read");

  private Scopes() {}

  public static boolean grants(Set<String> held, String required) {
    if (held.contains(ALL) || held.contains(required)) {
      return true;
    }
    return IMPLIED_READ.entrySet().stream()
        .anyMatch(entry -> held.contains(entry.getKey()) && entry.getValue().equals(required));
  }

  /** Parses a comma-separated list, refusing unknown scopes. */
  public static Set<String> parse(String commaSeparated) {
    Set<String> scopes =
        ImmutableSet.copyOf(
            Splitter.on(',').trimResults().omitEmptyStrings().split(commaSeparated));
    if (scopes.isEmpty()) {
      throw ParleyException.invalidArgument("scopes", "at least one scope is required");
    }
    for (String scope : scopes) {
      if (!KNOWN.contains(scope)) {
        throw ParleyException.invalidArgument(
            "scopes", "unknown scope '" + scope + "'; known: " + String.join(", ", KNOWN));
      }
    }
    return scopes;
  }

  public static String format(Set<String> scopes) {
    return String.join(",", scopes);
  }
}
