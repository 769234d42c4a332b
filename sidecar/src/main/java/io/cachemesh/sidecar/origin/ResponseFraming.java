package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.HeaderList;
import java.util.List;

/**
 * How an origin response's body is delimited (RFC 9112 6.3), decided once from its head for both
 * the blocking client and the IO-thread relay. A response with both Transfer-Encoding and
 * Content-Length, conflicting lengths, or a coding that does not end in chunked is refused: a proxy
 * that picks one reading of an ambiguous message is how responses get smuggled.
 *
 * @param contentLength the body's length; for a HEAD answer the length it announces; -1 when unknown
 * @param reusable whether the connection can carry another request once the body is read
 */
public record ResponseFraming(Kind kind, long contentLength, boolean reusable) {
  public enum Kind { NONE, CHUNKED, LENGTH, UNTIL_CLOSE }

  public static ResponseFraming of(String requestMethod, ResponseHead head) throws OriginProtocolException {
    HeaderList headers = head.headers();
    List<String> transferCodings = headers.all("Transfer-Encoding");
    List<String> lengths = headers.all("Content-Length");
    boolean reusable = head.http11() && !hasToken(headers.all("Connection"), "close");
    if (!transferCodings.isEmpty() && !lengths.isEmpty()) {
      throw new OriginProtocolException("response has both Transfer-Encoding and Content-Length");
    }
    int status = head.status();
    if (status == 204 || status == 304) {
      return new ResponseFraming(Kind.NONE, 0, reusable);
    }
    if (requestMethod.equals("HEAD")) {
      return new ResponseFraming(Kind.NONE, parseLength(lengths), reusable);
    }
    if (!transferCodings.isEmpty()) {
      if (!lastCodingIsChunked(transferCodings)) {
        throw new OriginProtocolException("response Transfer-Encoding does not end in chunked: " + transferCodings);
      }
      return new ResponseFraming(Kind.CHUNKED, -1, reusable);
    }
    if (!lengths.isEmpty()) {
      return new ResponseFraming(Kind.LENGTH, parseLength(lengths), reusable);
    }
    return new ResponseFraming(Kind.UNTIL_CLOSE, -1, false);
  }

  private static long parseLength(List<String> values) throws OriginProtocolException {
    long length = -1;
    for (String value : values) {
      for (String part : value.split(",")) {
        long parsed = parseDigits(part.trim());
        if (length != -1 && parsed != length) {
          throw new OriginProtocolException("conflicting Content-Length values " + values);
        }
        length = parsed;
      }
    }
    return length;
  }

  private static long parseDigits(String s) throws OriginProtocolException {
    if (s.isEmpty() || s.length() > 18) {
      throw new OriginProtocolException("bad Content-Length '" + s + "'");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new OriginProtocolException("bad Content-Length '" + s + "'");
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  private static boolean lastCodingIsChunked(List<String> values) {
    String last = values.getLast();
    int comma = last.lastIndexOf(',');
    return last.substring(comma + 1).trim().equalsIgnoreCase("chunked");
  }

  private static boolean hasToken(List<String> values, String token) {
    for (String v : values) {
      for (String t : v.split(",")) {
        if (t.trim().equalsIgnoreCase(token)) {
          return true;
        }
      }
    }
    return false;
  }
}
