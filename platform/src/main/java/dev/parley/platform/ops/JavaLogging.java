package dev.parley.platform.ops;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * grpc-java (and other libraries) log through {@code java.util.logging}; routed to SLF4J, their
 * lines come out as Parley's own, one JSON object each, at the levels {@code logback.xml} sets
 * ({@code LevelChangePropagator} keeps disabled levels cheap).
 */
public final class JavaLogging {
  private JavaLogging() {}

  /** Routes java.util.logging to SLF4J, once per JVM. */
  public static synchronized void toSlf4j() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
