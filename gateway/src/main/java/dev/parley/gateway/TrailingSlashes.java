package dev.parley.gateway;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostHog's router makes the trailing slash optional and its docs always write it; transcoding
 * templates cannot end in a slash. Bound under the PostHog mount, this service takes the requests
 * that no route matched, and when their path ends in a slash, replays them without it on the
 * gateway itself (loopback). Envoy's Lua filter strips the slash before transcoding instead.
 */
final class TrailingSlashes implements HttpService {
  static final String MOUNT = "/posthog/";

  /**
   * Clients to the gateway itself, by the local address a request came in on: the replay goes back
   * the way the request came, known from the request alone (a client set once the server had
   * started left a window in which early requests were answered 404).
   */
  private final Map<InetSocketAddress, WebClient> self = new ConcurrentHashMap<>();

  @Override
  public HttpResponse serve(ServiceRequestContext context, HttpRequest request) {
    String path = context.path();
    if (!path.endsWith("/") || path.equals(MOUNT)) {
      throw HttpStatusException.of(HttpStatus.NOT_FOUND);
    }
    WebClient client = self.computeIfAbsent(context.localAddress(), TrailingSlashes::client);
    String query = context.query();
    String stripped = path.substring(0, path.length() - 1) + (query == null ? "" : "?" + query);
    var headers = request.headers().toBuilder().path(stripped);
    // Absolute links (PostHog's next/previous) keep naming the address the caller used.
    if (!request.headers().contains("x-forwarded-host") && request.headers().authority() != null) {
      headers.set("x-forwarded-host", request.headers().authority());
    }
    if (!request.headers().contains("x-forwarded-proto")) {
      headers.set("x-forwarded-proto", context.sessionProtocol().isTls() ? "https" : "http");
    }
    return client.execute(request.withHeaders(headers));
  }

  private static WebClient client(InetSocketAddress local) {
    String host = local.getAddress().getHostAddress();
    // The replay is bounded by the original request's timeout and by the services' answer size
    // limit, not by the client defaults (10 s, 10 MiB) that would cut a long or large answer.
    return WebClient.builder(
            "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + local.getPort())
        .responseTimeoutMillis(0)
        .maxResponseLength(0)
        .build();
  }
}
