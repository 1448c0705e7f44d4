package dev.parley.platform.config;

/** Invalid configuration: startup stops with this message. */
public final class ConfigurationException extends RuntimeException {
  public ConfigurationException(String message) {
    super(message);
  }
}
