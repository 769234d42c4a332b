package io.cachemesh.sidecar.semantics;

import java.util.List;
import java.util.Locale;

/**
 * RFC 9110 14.1-14.2: what a client's {@code Range} asks of a complete stored representation.
 *
 * <p>Only one byte range is served ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}); a
 * request for several ranges, a malformed or non-bytes Range, more than one Range field, and any
 * range of an empty representation get the whole representation ({@link Whole}), which RFC 9110
 * allows a server to do for any Range (14.2). Several ranges would need a multipart/byteranges
 * body; the clients that ask for them (PDF readers) handle a 200 as well, and serving one range at
 * most rules out amplification with many small or overlapping ranges altogether.
 */
public final class ByteRanges {
  /** The answer to a Range field. */
  public sealed interface Selection {}

  /** Serve the whole representation (no Range, or one this cache ignores). */
  public record Whole() implements Selection {}

  /** Serve bytes {@code first..last} (inclusive) of {@code length}: 206. */
  public record Part(long first, long last, long length) implements Selection {
    public long size() {
      return last - first + 1;
    }

    /** The {@code Content-Range} value. */
    public String contentRange() {
      return "bytes " + first + "-" + last + "/" + length;
    }
  }

  /** A well-formed single range that lies wholly past the end: 416 with {@code bytes *}/length. */
  public record Unsatisfiable(long length) implements Selection {
    public String contentRange() {
      return "bytes */" + length;
    }
  }

  private static final Whole WHOLE = new Whole();

  private ByteRanges() {}

  /** @param fields every Range field of the request (usually none or one) */
  public static Selection select(List<String> fields, long length) {
    if (fields.size() != 1 || length <= 0) {
      return WHOLE;
    }
    String field = fields.getFirst();
    int eq = field.indexOf('=');
    if (eq < 0 || !field.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
      return WHOLE;
    }
    String spec = null;
    for (String element : field.substring(eq + 1).split(",", -1)) {
      String e = element.trim();
      if (e.isEmpty()) {
        continue; // RFC 9110 5.6.1: empty list elements do not count
      }
      if (spec != null) {
        return WHOLE;
      }
      spec = e;
    }
    return spec == null ? WHOLE : single(spec, length);
  }

  private static Selection single(String spec, long length) {
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return WHOLE;
    }
    long first = digits(spec, 0, dash);
    long last = digits(spec, dash + 1, spec.length());
    if (dash == 0) {
      // suffix-range: the last n bytes; all of them when n exceeds the length.
      if (last < 0) {
        return WHOLE;
      }
      return last == 0 ? new Unsatisfiable(length) : new Part(Math.max(0, length - last), length - 1, length);
    }
    if (first < 0 || (dash + 1 < spec.length() && last < 0) || (last >= 0 && last < first)) {
      return WHOLE;
    }
    if (first >= length) {
      return new Unsatisfiable(length);
    }
    return new Part(first, last < 0 ? length - 1 : Math.min(last, length - 1), length);
  }

  /** The decimal number in {@code s[from, to)}, saturated at Long.MAX_VALUE; -1 when empty or not all digits. */
  private static long digits(String s, int from, int to) {
    if (from >= to) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      n = n > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : n * 10 + (ch - '0');
    }
    return n;
  }
}
