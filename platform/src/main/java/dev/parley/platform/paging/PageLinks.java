package dev.parley.platform.paging;

import dev.parley.platform.grpc.CallContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Absolute links to other pages of a list, as the caller reached the gateway (or the proxy in front
 * of it): the base URL, the path, the list's other query parameters kept in the given order, then
 * its limit and offset.
 */
public final class PageLinks {
  private PageLinks() {}

  /** The link to the page at {@code offset}, or null when there is none ({@code offset < 0}). */
  public static String link(String path, Map<String, String> query, int limit, int offset) {
    if (offset < 0) {
      return null;
    }
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
    return url.toString();
  }
}
