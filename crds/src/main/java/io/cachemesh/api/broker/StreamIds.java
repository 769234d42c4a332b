package io.cachemesh.api.broker;

/** Redis stream ids ({@code <ms>-<seq>}) compared numerically, as Redis orders them. */
public final class StreamIds {
  private StreamIds() {}

  public static int compare(String a, String b) {
    long[] x = parse(a);
    long[] y = parse(b);
    int byMs = Long.compare(x[0], y[0]);
    return byMs != 0 ? byMs : Long.compare(x[1], y[1]);
  }

  /** The broker time of an event: the millisecond part of its id. */
  public static long millis(String id) {
    return parse(id)[0];
  }

  private static long[] parse(String id) {
    int dash = id.indexOf('-');
    try {
      if (dash < 0) {
        return new long[] {Long.parseUnsignedLong(id), 0};
      }
      return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + id + "' is not a stream id", e);
    }
  }
}
