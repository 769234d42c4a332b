package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.Header;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an HTTP/1.1 response head strictly (RFC 9112): a status line with a version and a three-digit
 * code, token field names without whitespace before the colon, no obs-fold, no control characters,
 * and bounded sizes. Anything else is an {@link OriginProtocolException}: a proxy that guesses at a
 * malformed response is how responses get split or smuggled.
 */
public final class HeadReader {
  public static final int MAX_LINE = 16 * 1024;
  public static final int MAX_HEAD = 64 * 1024;
  static final int MAX_FIELDS = 200;

  private HeadReader() {}

  /** @throws java.io.EOFException-like OriginProtocolException on garbage; IOException when the stream ends first */
  public static ResponseHead read(InputStream in) throws IOException {
    LineReader lines = new LineReader(in, MAX_HEAD);
    String statusLine = lines.next(true);
    boolean http11;
    if (statusLine.startsWith("HTTP/1.1 ")) {
      http11 = true;
    } else if (statusLine.startsWith("HTTP/1.0 ")) {
      http11 = false;
    } else {
      throw new OriginProtocolException("bad status line: " + printable(statusLine));
    }
    if (statusLine.length() < 12 || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
      throw new OriginProtocolException("bad status line: " + printable(statusLine));
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = statusLine.charAt(i);
      if (c < '0' || c > '9') {
        throw new OriginProtocolException("bad status code: " + printable(statusLine));
      }
      status = status * 10 + (c - '0');
    }
    if (status < 100 || status > 599) {
      throw new OriginProtocolException("status out of range: " + status);
    }
    List<Header> fields = new ArrayList<>(16);
    for (String line = lines.next(false); !line.isEmpty(); line = lines.next(false)) {
      if (fields.size() == MAX_FIELDS) {
        throw new OriginProtocolException("more than " + MAX_FIELDS + " header fields");
      }
      fields.add(parseField(line));
    }
    return new ResponseHead(status, new io.cachemesh.sidecar.engine.HeaderList(fields), http11);
  }

  public static Header parseField(String line) throws OriginProtocolException {
    char first = line.charAt(0);
    if (first == ' ' || first == '\t') {
      throw new OriginProtocolException("obsolete line folding in a header field");
    }
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new OriginProtocolException("header line without a field name: " + printable(line));
    }
    for (int i = 0; i < colon; i++) {
      if (!isTokenChar(line.charAt(i))) {
        throw new OriginProtocolException("bad header field name: " + printable(line.substring(0, colon)));
      }
    }
    int start = colon + 1;
    int end = line.length();
    while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
      end--;
    }
    for (int i = start; i < end; i++) {
      char c = line.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new OriginProtocolException("control character in header field " + line.substring(0, colon));
      }
    }
    return new Header(line.substring(0, colon), line.substring(start, end));
  }

  static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** Lines ending in CRLF (a bare LF is accepted, a bare CR is not), bounded in total. */
  static final class LineReader {
    private final InputStream in;
    private int budget;
    private final byte[] line = new byte[MAX_LINE];

    LineReader(InputStream in, int budget) {
      this.in = in;
      this.budget = budget;
    }

    String next(boolean first) throws IOException {
      int len = 0;
      while (true) {
        int b = in.read();
        if (b < 0) {
          if (first && len == 0) {
            throw new java.io.EOFException("origin closed the connection before sending a response");
          }
          throw new OriginProtocolException("response head ends before its blank line");
        }
        if (--budget < 0) {
          throw new OriginProtocolException("response head larger than " + MAX_HEAD + " bytes");
        }
        if (b == '\n') {
          return new String(line, 0, len, StandardCharsets.ISO_8859_1);
        }
        if (b == '\r') {
          int lf = in.read();
          budget--;
          if (lf != '\n') {
            throw new OriginProtocolException("bare CR in response head");
          }
          return new String(line, 0, len, StandardCharsets.ISO_8859_1);
        }
        if (len == MAX_LINE) {
          throw new OriginProtocolException("response head line longer than " + MAX_LINE + " bytes");
        }
        line[len++] = (byte) b;
      }
    }
  }
}
