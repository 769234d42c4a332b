package io.cachemesh.sidecar.logging;

import java.time.Clock;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J backend of the sidecar (found through {@code META-INF/services}), in place of
 * slf4j-simple: the same one-line format, but its time stamps cost nothing at start-up (see
 * {@link LogLine}), and the level comes from the environment ({@link LogLevels}). No MDC: the
 * events carry their context as {@code key=value} fields.
 */
public final class LineLoggerProvider implements SLF4JServiceProvider {
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private volatile ILoggerFactory factory;

  @Override
  public void initialize() {
    LogLevels levels = LogLevels.parse(System.getenv(LogLevels.VARIABLE));
    factory = new LineLoggerFactory(levels, System.err, Clock.systemUTC());
    if (levels.problem() != null) {
      factory.getLogger(LineLoggerProvider.class.getName()).warn("event=log_level_ignored reason=\"{}\"", levels.problem());
    }
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
