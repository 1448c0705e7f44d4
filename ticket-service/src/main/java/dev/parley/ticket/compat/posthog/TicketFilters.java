package dev.parley.ticket.compat.posthog;

import com.google.protobuf.Value;
import dev.parley.compat.posthog.v1.ListTicketsRequest;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.ticket.domain.Ticket;
import dev.parley.ticket.domain.TicketStore.TicketFilter;
import dev.parley.ticket.domain.TicketStore.TicketOrder;
import dev.parley.ticket.domain.Tickets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostHog's ticket list filters. As in PostHog, a value that cannot be used is ignored, never
 * refused: an unknown status is dropped from the list, a malformed date does not filter.
 */
final class TicketFilters {
  private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,4})([hdwmy])(Start)?");
  private static final List<String> ORDER_FIELDS =
      List.of("updated_at", "created_at", "ticket_number", "sla_due_at", "snoozed_until");
  private static final int MAX_DISTINCT_IDS = 100;
  private static final int MAX_SEARCH = 200;

  private TicketFilters() {}

  static TicketFilter filter(ListTicketsRequest request, Instant now) {
    String assignee = request.getAssignee().strip();
    String search = request.getSearch().strip();
    boolean searchable = !search.isEmpty() && search.length() <= MAX_SEARCH;
    boolean numeric = searchable && search.matches("\\d{1,9}");
    Instant slaBefore = null;
    Instant slaAfter = null;
    switch (request.getSla().strip()) {
      case "breached" -> slaBefore = now;
      case "at-risk" -> {
        slaAfter = now;
        slaBefore = now.plus(Duration.ofHours(1));
      }
      case "on-track" -> slaAfter = now.plus(Duration.ofHours(1));
      default -> {}
    }
    return new TicketFilter(
        choices(request.getStatus(), Tickets.STATUSES),
        choices(request.getPriority(), Tickets.PRIORITIES),
        Tickets.CHANNELS.contains(request.getChannelSource()) ? request.getChannelSource() : null,
        PostHogTicketMapping.CHANNEL_DETAILS.contains(request.getChannelDetail())
            ? request.getChannelDetail()
            : null,
        Ticket.Assignee.parse(assignee).orElse(null),
        assignee.equals("unassigned"),
        date(request.getDateFrom(), now, false),
        date(request.getDateTo(), now, true),
        distinctIds(request.getDistinctIds()),
        numeric ? Integer.valueOf(search) : null,
        searchable && !numeric ? search : null,
        slaBefore,
        slaAfter,
        tags(request.getTags()),
        switch (request.getSnoozed().strip()) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> null;
        });
  }

  /** One of the order fields with an optional '-'; anything else is -updated_at. */
  static TicketOrder order(String orderBy) {
    String text = orderBy.strip();
    boolean descending = text.startsWith("-");
    String field = descending ? text.substring(1) : text;
    return ORDER_FIELDS.contains(field)
        ? new TicketOrder(field, descending)
        : new TicketOrder("updated_at", true);
  }

  private static Set<String> choices(String commaList, List<String> known) {
    Set<String> values = new LinkedHashSet<>();
    Arrays.stream(commaList.split(","))
        .map(String::strip)
        .filter(known::contains)
        .forEach(values::add);
    return values;
  }

  /**
   * An absolute date (the start of that day, or its end for date_to), an ISO time, or a relative
   * one: -Nh, -Nd, -Nw, -Nm, -Ny, with "Start" for the start of that hour, day, week, month or
   * year. Times are UTC (Parley has no project timezone). "all" and anything else: no bound.
   */
  static Instant date(String text, Instant now, boolean end) {
    String value = text.strip();
    if (value.isEmpty() || value.equals("all")) {
      return null;
    }
    Matcher relative = RELATIVE.matcher(value);
    if (relative.matches()) {
      int amount = Integer.parseInt(relative.group(1));
      ZonedDateTime at = now.atZone(ZoneOffset.UTC);
      at =
          switch (relative.group(2)) {
            case "h" -> at.minusHours(amount);
            case "d" -> at.minusDays(amount);
            case "w" -> at.minusWeeks(amount);
            case "m" -> at.minusMonths(amount);
            default -> at.minusYears(amount);
          };
      if (relative.group(3) != null) {
        at =
            switch (relative.group(2)) {
              case "h" -> at.truncatedTo(ChronoUnit.HOURS);
              case "d" -> at.truncatedTo(ChronoUnit.DAYS);
              case "w" ->
                  at.truncatedTo(ChronoUnit.DAYS).minusDays(at.getDayOfWeek().getValue() - 1);
              case "m" -> at.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
              default -> at.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
            };
      }
      return at.toInstant();
    }
    try {
      LocalDate day = LocalDate.parse(value);
      return end
          ? day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000)
          : day.atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      // Not a date: perhaps a full time.
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Set<String> distinctIds(String commaList) {
    Set<String> ids = new LinkedHashSet<>();
    Arrays.stream(commaList.split(","))
        .map(String::strip)
        .filter(id -> !id.isEmpty())
        .limit(MAX_DISTINCT_IDS)
        .forEach(ids::add);
    return ids;
  }

  /** A JSON array of strings; anything else does not filter. */
  private static Set<String> tags(String json) {
    Set<String> tags = new LinkedHashSet<>();
    if (json.isBlank()) {
      return tags;
    }
    try {
      Value value = ProtoJson.toValue(json);
      if (value.hasListValue()) {
        value.getListValue().getValuesList().stream()
            .filter(Value::hasStringValue)
            .forEach(tag -> tags.add(tag.getStringValue()));
      }
    } catch (RuntimeException e) {
      // Not JSON: PostHog ignores it too.
    }
    return tags;
  }
}
