package dev.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawRequestTargetsTest {
  private static String rewritten(String request) {
    ByteBuf bytes = Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1);
    ByteBuf result = RawRequestTargets.withoutPostHogTrailingSlash(bytes);
    try {
      return result.toString(StandardCharsets.ISO_8859_1);
    } finally {
      result.release();
    }
  }

  @Test
  void dropsTheSlashThatEndsAPostHogPathBeforeItsQuery() {
    assertThat(
            rewritten(
                "GET /posthog/api/projects/1/conversations/tickets/?limit=20 HTTP/1.1\r\n"
                    + "Host: h\r\n\r\n"))
        .isEqualTo(
            "GET /posthog/api/projects/1/conversations/tickets?limit=20 HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(rewritten("POST /posthog/api/environments/1/conversations/ HTTP/1.1\r\n\r\n{}"))
        .isEqualTo("POST /posthog/api/environments/1/conversations HTTP/1.1\r\n\r\n{}");
  }

  @Test
  void leavesOtherRequestsAsTheyCame() {
    for (String request :
        new String[] {
          "GET /inkeep/conversations/ HTTP/1.1\r\n\r\n",
          "GET /posthog/ HTTP/1.1\r\n\r\n",
          "GET /posthog/api/x HTTP/1.1\r\n\r\n",
          "GET /posthog/api/x?next=/ HTTP/1.1\r\n\r\n",
          "not a request line"
        }) {
      assertThat(rewritten(request)).isEqualTo(request);
    }
  }
}
