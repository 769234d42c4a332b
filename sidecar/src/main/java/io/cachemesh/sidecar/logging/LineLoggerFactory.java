package io.cachemesh.sidecar.logging;

import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link LineLogger} per name, all writing to the same stream. */
final class LineLoggerFactory implements ILoggerFactory {
  private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();
  private final LogLevels levels;
  private final PrintStream out;
  private final Clock clock;

  LineLoggerFactory(LogLevels levels, PrintStream out, Clock clock) {
    this.levels = levels;
    this.out = out;
    this.clock = clock;
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(name, n -> new LineLogger(n, levels.thresholdFor(n), out, clock));
  }
}
