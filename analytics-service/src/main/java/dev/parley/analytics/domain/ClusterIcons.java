package dev.parley.analytics.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An icon name (GitBook's icon set) for a cluster, from its terms: the first theme whose words
 * appear among the cluster's three top terms, else among all its terms, else a speech bubble.
 */
final class ClusterIcons {
  static final String DEFAULT = "comments";

  /** Theme words to icon, in order of precedence; stemmed as TermVectors does below. */
  private static final Map<String, Set<String>> THEMES = new LinkedHashMap<>();

  static {
    THEMES.put(
        "lock",
        Set.of(
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
            "account"));
    THEMES.put(
        "credit-card",
        Set.of(
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
            "cost"));
    THEMES.put(
        "bug",
        Set.of("error", "bug", "crash", "fail", "broken", "exception", "500", "timeout", "wrong"));
    THEMES.put(
        "code",
        Set.of(
            "api",
            "sdk",
            "endpoint",
            "webhook",
            "code",
            "library",
            "request",
            "json",
            "integration",
            "cli"));
    THEMES.put(
        "download",
        Set.of(
            "install",
            "download",
            "setup",
            "upgrade",
            "update",
            "version",
            "deploy",
            "deployment"));
    THEMES.put(
        "database",
        Set.of("database", "data", "export", "import", "backup", "migration", "sync", "storage"));
    THEMES.put("gauge", Set.of("slow", "performance", "latency", "speed", "fast", "load"));
    THEMES.put("envelope", Set.of("email", "mail", "notification", "inbox", "newsletter"));
    THEMES.put(
        "gear", Set.of("setting", "config", "configuration", "option", "preference", "customize"));
    THEMES.put(
        "user-group", Set.of("team", "member", "invite", "user", "seat", "role", "organization"));
    THEMES.put("book", Set.of("doc", "documentation", "guide", "tutorial", "page", "article"));
  }

  static {
    THEMES.replaceAll((icon, words) -> Set.copyOf(words.stream().map(TermVectors::stem).toList()));
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
