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

  /**
   * Reads the head from a stream, up to and including its blank line.
   *
   * @throws java.io.EOFException when the stream ends before the first byte
   * @throws OriginProtocolException on a malformed head, or one that ends before its blank line
   */
  public static ResponseHead read(InputStream in) throws IOException {
    byte[] head = new byte[512];
    int length = 0;
    while (!endsWithBlankLine(head, length)) {
      int b = in.read();
      if (b < 0) {
        if (length == 0) {
          throw new java.io.EOFException("origin closed the connection before sending a response");
        }
        throw new OriginProtocolException("response head ends before its blank line");
      }
      if (length == MAX_HEAD) {
        throw new OriginProtocolException("response head larger than " + MAX_HEAD + " bytes");
      }
      if (length == head.length) {
        head = java.util.Arrays.copyOf(head, Math.min(MAX_HEAD, head.length * 2));
      }
      head[length++] = (byte) b;
    }
    return parse(head, length);
  }

  /** Whether the first {@code length} bytes end in an empty line (LF LF, or LF CR LF). */
  private static boolean endsWithBlankLine(byte[] bytes, int length) {
    return length >= 2 && bytes[length - 1] == '\n'
        && (bytes[length - 2] == '\n' || (length >= 3 && bytes[length - 2] == '\r' && bytes[length - 3] == '\n'));
  }

  /**
   * Parses a complete head: {@code bytes[0, length)} ends with its blank line (the IO-thread relay
   * finds that line in its buffer; {@link #read} reads up to it). Lines end in CRLF or a bare LF; a
   * bare CR is refused.
   */
  public static ResponseHead parse(byte[] bytes, int length) throws OriginProtocolException {
    int lineEnd = lineEnd(bytes, 0, length);
    int statusEnd = contentEnd(bytes, 0, lineEnd);
    boolean http11;
    if (startsWith(bytes, statusEnd, "HTTP/1.1 ")) {
      http11 = true;
    } else if (startsWith(bytes, statusEnd, "HTTP/1.0 ")) {
      http11 = false;
    } else {
      throw new OriginProtocolException("bad status line: " + printable(bytes, 0, statusEnd));
    }
    if (statusEnd < 12 || (statusEnd > 12 && bytes[12] != ' ')) {
      throw new OriginProtocolException("bad status line: " + printable(bytes, 0, statusEnd));
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      byte c = bytes[i];
      if (c < '0' || c > '9') {
        throw new OriginProtocolException("bad status code: " + printable(bytes, 0, statusEnd));
      }
      status = status * 10 + (c - '0');
    }
    if (status < 100 || status > 599) {
      throw new OriginProtocolException("status out of range: " + status);
    }
    List<Header> fields = new ArrayList<>(16);
    for (int start = lineEnd + 1; ; ) {
      int end = lineEnd(bytes, start, length);
      int contentEnd = contentEnd(bytes, start, end);
      if (contentEnd == start) {
        return new ResponseHead(status, new io.cachemesh.sidecar.engine.HeaderList(fields), http11);
      }
      if (fields.size() == MAX_FIELDS) {
        throw new OriginProtocolException("more than " + MAX_FIELDS + " header fields");
      }
      fields.add(parseField(bytes, start, contentEnd));
      start = end + 1;
    }
  }

  /** The index of the LF that ends the line starting at {@code start}; checks its length. */
  private static int lineEnd(byte[] bytes, int start, int length) throws OriginProtocolException {
    for (int i = start; i < length; i++) {
      if (bytes[i] == '\n') {
        if (i - start > MAX_LINE) {
          throw new OriginProtocolException("response head line longer than " + MAX_LINE + " bytes");
        }
        return i;
      }
    }
    throw new OriginProtocolException("response head ends before its blank line");
  }

  /** The end of the line's content: before its CR LF or LF; a CR anywhere else is refused. */
  private static int contentEnd(byte[] bytes, int start, int lf) throws OriginProtocolException {
    int end = lf > start && bytes[lf - 1] == '\r' ? lf - 1 : lf;
    for (int i = start; i < end; i++) {
      if (bytes[i] == '\r') {
        throw new OriginProtocolException("bare CR in response head");
      }
    }
    return end;
  }

  private static boolean startsWith(byte[] bytes, int end, String prefix) {
    if (end < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A trailer or header line without its line ending. */
  public static Header parseField(String line) throws OriginProtocolException {
    byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
    return parseField(bytes, 0, bytes.length);
  }

  private static Header parseField(byte[] bytes, int start, int end) throws OriginProtocolException {
    byte first = bytes[start];
    if (first == ' ' || first == '\t') {
      throw new OriginProtocolException("obsolete line folding in a header field");
    }
    int colon = -1;
    for (int i = start; i < end; i++) {
      if (bytes[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon <= start) {
      throw new OriginProtocolException("header line without a field name: " + printable(bytes, start, end));
    }
    for (int i = start; i < colon; i++) {
      if (!isTokenChar((char) (bytes[i] & 0xff))) {
        throw new OriginProtocolException("bad header field name: " + printable(bytes, start, colon));
      }
    }
    int valueStart = colon + 1;
    int valueEnd = end;
    while (valueStart < valueEnd && (bytes[valueStart] == ' ' || bytes[valueStart] == '\t')) {
      valueStart++;
    }
    while (valueEnd > valueStart && (bytes[valueEnd - 1] == ' ' || bytes[valueEnd - 1] == '\t')) {
      valueEnd--;
    }
    for (int i = valueStart; i < valueEnd; i++) {
      int c = bytes[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new OriginProtocolException("control character in header field " + printable(bytes, start, colon));
      }
    }
    return new Header(new String(bytes, start, colon - start, StandardCharsets.ISO_8859_1),
        new String(bytes, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1));
  }

  static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String printable(byte[] bytes, int start, int end) {
    String s = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** Lines ending in CRLF (a bare LF is accepted, a bare CR is not), bounded in total: the chunk-size lines and trailers of the blocking client. */
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
