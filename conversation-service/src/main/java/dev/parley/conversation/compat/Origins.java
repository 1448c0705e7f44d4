package dev.parley.conversation.compat;

import dev.parley.platform.grpc.CallContext;

/**
 * Where a conversation comes from: {@code integration:<front door>:<key id>}, the shape of
 * GitBook's ConversationSource (the key plays the integration installation). Recorded at the first
 * write; GitBook ingest is idempotent per origin and id.
 */
public final class Origins {
  private Origins() {}

  public static String of(String frontDoor) {
    return "integration:" + frontDoor + ":" + CallContext.principal().keyId();
  }
}
