package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.Header;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a request head to the origin. The framing fields are the cache's own (it re-frames
 * the body it forwards), and a field that could split the message is refused rather than sent.
 *
 * <p>Written straight into one array of the exact size (Latin-1, as HTTP/1.1 field values are
 * octets): it is built for every forwarded request, and a {@code StringBuilder} then
 * {@code getBytes} made three copies of it.
 */
public final class RequestHead {
  private static final String VERSION = " HTTP/1.1\r\n";

  private RequestHead() {}

  public static byte[] encode(UpstreamRequest request) throws OriginProtocolException {
    checkRequestLine(request.method(), request.target());
    List<Header> fields = new ArrayList<>(request.headers().fields().size() + 1);
    int size = request.method().length() + 1 + request.target().length() + VERSION.length() + 2;
    for (Header h : request.headers().fields()) {
      String name = h.name();
      if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
          || name.equalsIgnoreCase("connection")) {
        continue;
      }
      checkField(name, h.value());
      fields.add(h);
      size += name.length() + 2 + h.value().length() + 2;
    }
    Header framing = framing(request);
    if (framing != null) {
      fields.add(framing);
      size += framing.name().length() + 2 + framing.value().length() + 2;
    }
    byte[] head = new byte[size];
    int at = put(head, 0, request.method());
    head[at++] = ' ';
    at = put(head, at, request.target());
    at = put(head, at, VERSION);
    for (Header h : fields) {
      at = put(head, at, h.name());
      head[at++] = ':';
      head[at++] = ' ';
      at = put(head, at, h.value());
      head[at++] = '\r';
      head[at++] = '\n';
    }
    head[at++] = '\r';
    head[at] = '\n';
    return head;
  }

  /** The cache's own framing field for the body it forwards, or null when none is needed. */
  private static Header framing(UpstreamRequest request) {
    if (request.hasBody()) {
      return request.bodyLength() > 0
          ? new Header("Content-Length", Long.toString(request.bodyLength()))
          : new Header("Transfer-Encoding", "chunked");
    }
    return methodExpectsBody(request.method()) ? new Header("Content-Length", "0") : null;
  }

  private static boolean methodExpectsBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  /** Latin-1 text as bytes; callers have checked that every char is below 0x100 where it matters. */
  private static int put(byte[] out, int at, String text) {
    for (int i = 0; i < text.length(); i++) {
      out[at + i] = (byte) text.charAt(i);
    }
    return at + text.length();
  }

  private static void checkRequestLine(String method, String target) throws OriginProtocolException {
    for (int i = 0; i < method.length(); i++) {
      if (!HeadReader.isTokenChar(method.charAt(i))) {
        throw new OriginProtocolException("refusing to send a bad method: " + method);
      }
    }
    for (int i = 0; i < target.length(); i++) {
      char ch = target.charAt(i);
      if (ch <= ' ' || ch >= 0x7f) {
        throw new OriginProtocolException("refusing to send a request target with whitespace, control or non-ASCII characters");
      }
    }
  }

  private static void checkField(String name, String value) throws OriginProtocolException {
    for (int i = 0; i < name.length(); i++) {
      if (!HeadReader.isTokenChar(name.charAt(i))) {
        throw new OriginProtocolException("refusing to send a bad header field name: " + name);
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\r' || ch == '\n' || ch == 0 || ch > 0xff) {
        throw new OriginProtocolException("refusing to send a header field value with CR, LF, NUL or non-Latin-1: " + name);
      }
    }
  }
}
