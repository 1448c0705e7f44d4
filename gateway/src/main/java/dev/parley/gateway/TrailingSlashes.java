package dev.parley.gateway;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PostHog's router makes the trailing slash optional and its docs always write it; transcoding
 * templates cannot end in a slash. Bound under the PostHog mount, this service takes the requests
 * that no route matched, and when their path ends in a slash, replays them without it on the
 * gateway itself (loopback). Envoy's Lua filter strips the slash before transcoding instead.
 */
final class TrailingSlashes implements HttpService {
  static final String MOUNT = "/posthog/";

  private final AtomicReference<WebClient> self = new AtomicReference<>();

  /** Called once the server listens. */
  void bind(int port) {
    self.set(WebClient.of("http://127.0.0.1:" + port));
  }

  @Override
  public HttpResponse serve(ServiceRequestContext context, HttpRequest request) {
    String path = context.path();
    WebClient client = self.get();
    if (!path.endsWith("/") || path.equals(MOUNT) || client == null) {
      throw HttpStatusException.of(HttpStatus.NOT_FOUND);
    }
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
}
