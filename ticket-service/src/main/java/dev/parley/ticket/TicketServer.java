package dev.parley.ticket;

import dev.parley.platform.config.Setting;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.runtime.ServiceDefinition;
import dev.parley.type.v1.Backend;

/** ticket-service on its own: configuration from {@code PARLEY_*} variables. */
public final class TicketServer {
  public static final ServiceDefinition DEFINITION =
      new ServiceDefinition(
          "ticket-service",
          "ticket",
          Setting.TICKET_PORT,
          Backend.BACKEND_TICKET,
          new TicketModule());

  private TicketServer() {}

  public static void main(String[] args) throws InterruptedException {
    ParleyService.run(DEFINITION);
  }
}
