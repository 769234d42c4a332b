package io.cachemesh.sidecar.logging;

import java.io.PrintStream;
import java.time.Clock;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that writes {@link LogLine}s at or above its threshold; each line is one write. */
final class LineLogger extends LegacyAbstractLogger {
  // transient: SLF4J's base class is Serializable; nothing in this process serializes a logger.
  private final transient Level threshold;
  private final transient String shortName;
  private final transient PrintStream out;
  private final transient Clock clock;

  LineLogger(String name, Level threshold, PrintStream out, Clock clock) {
    this.name = name;
    this.threshold = threshold;
    this.shortName = name.substring(name.lastIndexOf('.') + 1);
    this.out = out;
    this.clock = clock;
  }

  private boolean enabled(Level level) {
    return level.toInt() >= threshold.toInt();
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
      Throwable thrown) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    out.print(LogLine.format(clock.millis(), level, shortName, message, thrown));
  }
}
