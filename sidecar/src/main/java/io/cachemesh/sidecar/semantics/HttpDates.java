package io.cachemesh.sidecar.semantics;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** HTTP-date (RFC 9110 5.6.7) in and out. Only IMF-fixdate is parsed; obsolete forms count as invalid. */
public final class HttpDates {
  /** Returned for an absent or unparseable date. */
  public static final long INVALID = Long.MIN_VALUE;

  private HttpDates() {}

  public static long parse(String value) {
    if (value == null) {
      return INVALID;
    }
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return INVALID;
    }
  }

  public static String format(long epochMillis) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.Instant.ofEpochMilli(epochMillis).atZone(java.time.ZoneOffset.UTC));
  }
}
