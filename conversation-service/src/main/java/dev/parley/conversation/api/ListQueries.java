package dev.parley.conversation.api;

import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ParleyException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code filter} and {@code order_by} of the native list: a subset of AIP-160 (comparisons
 * joined by AND) and of AIP-132 ordering, turned into the domain's filter and order.
 */
final class ListQueries {
  private static final Pattern COMPARISON =
      Pattern.compile("\\s*([a-z_.]+)\\s*(>=|<=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(?:AND\\s+|$)");

  private ListQueries() {}

  static ConversationFilter filter(String text) {
    if (text.isBlank()) {
      return ConversationFilter.ALL;
    }
    ConversationFilter.Builder filter = ConversationFilter.builder();
    Matcher matcher = COMPARISON.matcher(text);
    int position = 0;
    while (position < text.length()) {
      if (!matcher.find(position) || matcher.start() != position) {
        throw ParleyException.invalidArgument(
            "filter",
            "cannot read at character "
                + position
                + "; write comparisons like state = \"open\" joined by AND");
      }
      String field = matcher.group(1);
      String operator = matcher.group(2);
      String value = matcher.group(3).replaceAll("\\\\(.)", "$1");
      boolean equality = operator.equals("=");
      switch (field) {
        case "state", "assignee", "origin", "end_user.id", "category" -> {
          if (!equality) {
            throw ParleyException.invalidArgument("filter", field + " only supports =");
          }
          switch (field) {
            case "state" -> filter.state(value);
            case "assignee" -> filter.assignee(value);
            case "origin" -> filter.origin(value);
            case "end_user.id" -> filter.endUserIds(Set.of(value));
            default -> filter.anyCategories(Set.of(value));
          }
        }
        case "create_time", "last_message_time" -> {
          if (equality) {
            throw ParleyException.invalidArgument("filter", field + " supports >= and <=");
          }
          Instant time = instant(field, value);
          boolean from = operator.equals(">=");
          if (field.equals("create_time")) {
            filter = from ? filter.createdFrom(time) : filter.createdUntil(time);
          } else {
            filter = from ? filter.activeFrom(time) : filter.activeUntil(time);
          }
        }
        default ->
            throw ParleyException.invalidArgument(
                "filter",
                "unknown field '"
                    + field
                    + "'; known: state, assignee, origin, end_user.id, category, create_time,"
                    + " last_message_time");
      }
      position = matcher.end();
    }
    return filter.build();
  }

  static SortOrder order(String orderBy) {
    String normalized = orderBy.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    return switch (normalized) {
      case "", "create_time desc" -> SortOrder.CREATED_DESC;
      case "create_time", "create_time asc" -> SortOrder.CREATED_ASC;
      case "update_time desc" -> SortOrder.UPDATED_DESC;
      case "update_time", "update_time asc" -> SortOrder.UPDATED_ASC;
      case "last_message_time desc" -> SortOrder.ACTIVITY_DESC;
      case "last_message_time", "last_message_time asc" -> SortOrder.ACTIVITY_ASC;
      default ->
          throw ParleyException.invalidArgument(
              "order_by",
              "must be create_time, update_time or last_message_time, each optionally desc");
    };
  }

  private static Instant instant(String field, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ParleyException.invalidArgument(
          "filter", field + " needs an RFC 3339 time like \"2026-01-01T00:00:00Z\"");
    }
  }
}
