package dev.parley.analytics.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An icon name (GitBook's icon set) for a cluster, from its terms: the first theme whose words
 * appear among the cluster's three top terms, else among all its terms, else a speech bubble.
 */
final class ClusterIcons {
  static final String DEFAULT = "comments";

  /** Theme words to icon, in order of precedence, stemmed as TermVectors stems terms. */
  private static final Map<String, Set<String>> THEMES = new LinkedHashMap<>();

  static {
    theme(
        "lock",
        "password",
        "login",
        "log",
        "sign",
        "auth",
        "sso",
        "oauth",
        "2fa",
        "permission",
        "access",
        "token",
        "credential",
        "account");
    theme(
        "credit-card",
        "billing",
        "invoice",
        "payment",
        "price",
        "pricing",
        "plan",
        "subscription",
        "refund",
        "charge",
        "card",
        "tax",
        "cost");
    theme("bug", "error", "bug", "crash", "fail", "broken", "exception", "500", "timeout", "wrong");
    theme(
        "code",
        "api",
        "sdk",
        "endpoint",
        "webhook",
        "code",
        "library",
        "request",
        "json",
        "integration",
        "cli");
    theme(
        "download",
        "install",
        "download",
        "setup",
        "upgrade",
        "update",
        "version",
        "deploy",
        "deployment");
    theme(
        "database",
        "database",
        "data",
        "export",
        "import",
        "backup",
        "migration",
        "sync",
        "storage");
    theme("gauge", "slow", "performance", "latency", "speed", "fast", "load");
    theme("envelope", "email", "mail", "notification", "inbox", "newsletter");
    theme("gear", "setting", "config", "configuration", "option", "preference", "customize");
    theme("user-group", "team", "member", "invite", "user", "seat", "role", "organization");
    theme("book", "doc", "documentation", "guide", "tutorial", "page", "article");
  }

  private static void theme(String icon, String... words) {
    THEMES.put(icon, Set.copyOf(Stream.of(words).map(TermVectors::stem).toList()));
  }

  private ClusterIcons() {}

  static String icon(List<String> terms, List<String> topTerms) {
    for (List<String> candidates : List.of(topTerms, terms)) {
      for (var theme : THEMES.entrySet()) {
        for (String term : candidates) {
          if (theme.getValue().contains(term)) {
            return theme.getKey();
          }
        }
      }
    }
    return DEFAULT;
  }
}
