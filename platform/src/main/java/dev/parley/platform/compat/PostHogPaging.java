package dev.parley.platform.compat;

import com.google.protobuf.Value;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.ProtoJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What PostHog's endpoints in every service share: the project in the path (the caller's tenant, or
 * {@code @current}) and DRF's limit/offset paging with absolute next/previous links.
 */
public final class PostHogPaging {
  /** PostHog's alias for the key's own project. */
  public static final String CURRENT = "@current";

  private PostHogPaging() {}

  /** The tenant named by the path's project; any other project does not exist for the caller. */
  public static String tenant(String projectId) {
    return CURRENT.equals(projectId)
        ? CallContext.tenantId()
        : CallContext.pathTenant("Project", projectId);
  }

  /** DRF's LimitOffsetPagination: a usable limit (clamped to the maximum), or the default. */
  public static int limit(String text, int defaultLimit, int maxLimit) {
    return Math.min(number(text, defaultLimit, 1), maxLimit);
  }

  /** A usable offset, or 0. */
  public static int offset(String text) {
    return number(text, 0, 0);
  }

  /**
   * The link to the page at this offset: the gateway address the caller used, the path, the other
   * query parameters kept (in the given order), then limit and offset; null past the ends.
   */
  public static Value link(String path, Map<String, String> query, int limit, int offset) {
    StringBuilder url = new StringBuilder(CallContext.baseUrl()).append(path).append('?');
    query.forEach(
        (name, value) -> {
          if (value != null && !value.isEmpty()) {
            url.append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8))
                .append('&');
          }
        });
    url.append("limit=").append(limit);
    if (offset > 0) {
      url.append("&offset=").append(offset);
    }
    return Value.newBuilder().setStringValue(url.toString()).build();
  }

  /**
   * The next page's link, after the {@code returned} items of this one (fewer than the limit when
   * the page ended at its byte budget), or null on the last page.
   */
  public static Value next(
      String path, Map<String, String> query, int limit, int offset, int returned, int total) {
    return offset + returned < total
        ? link(path, query, limit, offset + returned)
        : ProtoJson.nullValue();
  }

  /** The previous page's link, or null on the first page. */
  public static Value previous(String path, Map<String, String> query, int limit, int offset) {
    return offset > 0
        ? link(path, query, limit, Math.max(0, offset - limit))
        : ProtoJson.nullValue();
  }

  private static int number(String text, int fallback, int minimum) {
    try {
      int value = Integer.parseInt(text.strip());
      return value < minimum ? fallback : value;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
