package dev.parley.conversation.domain;

/**
 * Where a conversation comes from: {@code integration:<front door>:<key id>}, the shape of
 * GitBook's ConversationSource (the key plays the integration installation). Recorded at the first
 * write; GitBook ingest is idempotent per origin and id.
 */
public final class Origins {
  private Origins() {}

  /** The origin of a conversation written through the front door with the key. */
  public static String of(String frontDoor, String keyId) {
    return "integration:" + frontDoor + ":" + keyId;
  }
}
