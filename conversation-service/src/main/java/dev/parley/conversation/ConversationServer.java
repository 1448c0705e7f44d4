package dev.parley.conversation;

import dev.parley.platform.config.Setting;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.runtime.ServiceDefinition;

/** conversation-service on its own: configuration from {@code PARLEY_*} variables. */
public final class ConversationServer {
  public static final ServiceDefinition DEFINITION =
      new ServiceDefinition(
          "conversation-service", "conversation", Setting.CONVERSATION_PORT, new ConversationModule());

  private ConversationServer() {}

  public static void main(String[] args) throws InterruptedException {
    ParleyService.run(DEFINITION);
  }
}
