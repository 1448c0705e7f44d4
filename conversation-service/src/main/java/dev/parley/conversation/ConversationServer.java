package dev.parley.conversation;

import dev.parley.platform.config.Setting;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.runtime.ServiceDefinition;
import dev.parley.type.v1.Backend;

/** conversation-service on its own: configuration from {@code PARLEY_*} variables. */
public final class ConversationServer {
  public static final ServiceDefinition DEFINITION =
      new ServiceDefinition(
          "conversation-service",
          "conversation",
          Setting.CONVERSATION_PORT,
          Backend.BACKEND_CONVERSATION,
          new ConversationModule());

  private ConversationServer() {}

  public static void main(String[] args) throws InterruptedException {
    ParleyService.run(DEFINITION);
  }
}
