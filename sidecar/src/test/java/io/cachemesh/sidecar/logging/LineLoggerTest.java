package io.cachemesh.sidecar.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

class LineLoggerTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T09:05:03.007Z"), ZoneId.of("Europe/Paris"));

  private LineLoggerFactory factory(String configured) {
    return new LineLoggerFactory(LogLevels.parse(configured), new PrintStream(bytes, true, StandardCharsets.UTF_8), clock);
  }

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLineHasTheUtcTimeTheLevelTheShortNameAndTheFormattedMessage() {
    factory(null).getLogger("io.cachemesh.sidecar.Sidecar").info("event=started ready={} startup_ms={}", true, 312);

    assertThat(written()).isEqualTo("2026-11-23T09:05:03.007Z INFO Sidecar - event=started ready=true startup_ms=312\n");
  }

  @Test
  void timestampsArePaddedAndNeverShiftedByTheDefaultZone() {
    StringBuilder out = new StringBuilder();
    LogLine.appendTimestamp(out, 0);
    out.append(' ');
    LogLine.appendTimestamp(out, Instant.parse("0999-02-03T04:05:06.090Z").toEpochMilli());
    out.append(' ');
    LogLine.appendTimestamp(out, -1);

    assertThat(out).hasToString("1970-01-01T00:00:00.000Z 0999-02-03T04:05:06.090Z 1969-12-31T23:59:59.999Z");
  }

  @Test
  void eventsBelowTheThresholdAreNotWritten() {
    Logger logger = factory("warn").getLogger("io.cachemesh.sidecar.engine.Responder");
    logger.info("event=hidden");
    logger.debug("event=hidden");
    logger.warn("event=shown");

    assertThat(logger.isInfoEnabled()).isFalse();
    assertThat(logger.isWarnEnabled()).isTrue();
    assertThat(written()).doesNotContain("hidden").contains("WARN Responder - event=shown");
  }

  @Test
  void debugIsWrittenWhenAskedForButTheHttpServersLoggersStayAtWarn() {
    LineLoggerFactory factory = factory(" Debug ");
    factory.getLogger("io.cachemesh.sidecar.relay.RelayedExchange").debug("event=client_gone");
    factory.getLogger("io.undertow.request").debug("connection noise");
    factory.getLogger("org.xnio.nio").info("more noise");
    factory.getLogger("org.xnio.nio").warn("event=xnio_warning");

    assertThat(written()).contains("DEBUG RelayedExchange - event=client_gone", "WARN nio - event=xnio_warning")
        .doesNotContain("noise");
  }

  @Test
  void aThrowableFollowsItsLineWithItsStackTrace() {
    factory(null).getLogger("x.Y").error("event=engine_failure path={}", "/a", new IOException("boom"));

    assertThat(written()).startsWith("2026-11-23T09:05:03.007Z ERROR Y - event=engine_failure path=/a\n")
        .contains("java.io.IOException: boom", "\tat ");
  }

  @Test
  void anUnknownLevelKeepsInfoAndSaysWhy() {
    LogLevels levels = LogLevels.parse("verbose");

    assertThat(levels.threshold()).isEqualTo(Level.INFO);
    assertThat(levels.problem()).contains("CACHEMESH_LOG_LEVEL=verbose", "trace, debug, info, warn, error");
    assertThat(LogLevels.parse("ERROR").threshold()).isEqualTo(Level.ERROR);
    assertThat(LogLevels.parse("error").thresholdFor("io.undertow")).isEqualTo(Level.ERROR);
    assertThat(LogLevels.parse("").problem()).isNull();
  }

  @Test
  void theProcessFindsThisBackendThroughServiceLoading() {
    Logger logger = org.slf4j.LoggerFactory.getLogger(LineLoggerTest.class);

    assertThat(logger).isInstanceOf(LineLogger.class);
  }
}
