package io.cachemesh.sidecar.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Origin failures: the status they become (504 for a timeout, else 502) and their log lines. A
 * failure is expected when the app is down: one WARN line per 10 s, the rest at DEBUG (the
 * requests metric counts them all). Paths only, never query strings, which may hold tokens.
 */
final class OriginFailures {
  private static final Logger LOG = LoggerFactory.getLogger(OriginFailures.class);
  private static final long WARN_INTERVAL_MILLIS = 10_000;

  private final Clock clock;
  private final AtomicLong lastWarnMillis = new AtomicLong(Long.MIN_VALUE / 2);

  OriginFailures(Clock clock) {
    this.clock = clock;
  }

  void log(String event, CacheRequest request, int status, Exception ex) {
    long now = clock.millis();
    long last = lastWarnMillis.get();
    if (now - last >= WARN_INTERVAL_MILLIS && lastWarnMillis.compareAndSet(last, now)) {
      LOG.warn("event={} path={} status={} error={}", event, request.path(), status, ex.toString());
    } else {
      LOG.debug("event={} path={} status={} error={}", event, request.path(), status, ex.toString());
    }
  }

  static int status(IOException ex) {
    return timeout(ex) ? 504 : 502;
  }

  static String detail(int status) {
    return status == 504 ? "origin-timeout" : "origin-unreachable";
  }

  private static boolean timeout(IOException ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }
}
