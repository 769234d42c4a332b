package io.cachemesh.sidecar.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.slf4j.event.Level;

/**
 * One log line: {@code 2026-11-23T12:35:40.518Z INFO ConfigWatcher - event=...}, then the stack
 * trace, if any. Always UTC, written digit by digit: a {@code SimpleDateFormat} (what slf4j-simple
 * uses) builds a {@code Calendar} and loads the JDK's CLDR locale data before the first line,
 * 60-110 ms on the path to ready; the pod's log collector adds its own time stamps anyway.
 */
final class LogLine {
  private LogLine() {}

  static String format(long epochMillis, Level level, String shortName, String message, Throwable thrown) {
    StringBuilder line = new StringBuilder(64 + message.length());
    appendTimestamp(line, epochMillis);
    line.append(' ').append(level.name()).append(' ').append(shortName).append(" - ").append(message).append('\n');
    if (thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      line.append(trace);
    }
    return line.toString();
  }

  static void appendTimestamp(StringBuilder out, long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
    pad(out, t.getYear(), 4).append('-');
    pad(out, t.getMonthValue(), 2).append('-');
    pad(out, t.getDayOfMonth(), 2).append('T');
    pad(out, t.getHour(), 2).append(':');
    pad(out, t.getMinute(), 2).append(':');
    pad(out, t.getSecond(), 2).append('.');
    pad(out, (int) Math.floorMod(epochMillis, 1000), 3).append('Z');
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(digits);
  }
}
