package io.cachemesh.sidecar.logging;

import java.util.Locale;
import org.slf4j.event.Level;

/**
 * Which events are written: the level named by {@code CACHEMESH_LOG_LEVEL} (default {@code info}),
 * and for the HTTP server's own loggers ({@code io.undertow}, {@code org.xnio}) never below
 * {@code warn}: at debug they describe every connection, which drowns the cache's own events.
 *
 * @param threshold the least severe level written for the cache's loggers
 * @param problem why the configured value was not used, or null
 */
public record LogLevels(Level threshold, String problem) {
  public static final String VARIABLE = "CACHEMESH_LOG_LEVEL";
  private static final String[] QUIET_PREFIXES = {"io.undertow", "org.xnio"};

  /** An unknown value keeps the default and says why (logging must not stop the process). */
  public static LogLevels parse(String configured) {
    if (configured == null || configured.isBlank()) {
      return new LogLevels(Level.INFO, null);
    }
    String name = configured.trim().toUpperCase(Locale.ROOT);
    for (Level level : Level.values()) {
      if (level.name().equals(name)) {
        return new LogLevels(level, null);
      }
    }
    return new LogLevels(Level.INFO,
        VARIABLE + "=" + configured + " is not a level (trace, debug, info, warn, error); using info");
  }

  /** The least severe level written for this logger. */
  public Level thresholdFor(String loggerName) {
    for (String prefix : QUIET_PREFIXES) {
      if (loggerName.startsWith(prefix) && threshold.toInt() < Level.WARN.toInt()) {
        return Level.WARN;
      }
    }
    return threshold;
  }
}
