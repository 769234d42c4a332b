package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.Header;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a request head to the origin. The framing fields are the cache's own (it re-frames
 * the body it forwards), and a field that could split the message is refused rather than sent.
 */
public final class RequestHead {
  private RequestHead() {}

  public static byte[] encode(UpstreamRequest request) throws OriginProtocolException {
    StringBuilder head = new StringBuilder(512);
    head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
    for (Header h : request.headers().fields()) {
      String name = h.name();
      if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
          || name.equalsIgnoreCase("connection")) {
        continue;
      }
      appendField(head, h.name(), h.value());
    }
    if (request.hasBody()) {
      if (request.bodyLength() > 0) {
        head.append("Content-Length: ").append(request.bodyLength()).append("\r\n");
      } else {
        head.append("Transfer-Encoding: chunked\r\n");
      }
    } else if (methodExpectsBody(request.method())) {
      head.append("Content-Length: 0\r\n");
    }
    head.append("\r\n");
    return head.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static boolean methodExpectsBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  private static void appendField(StringBuilder head, String name, String value) throws OriginProtocolException {
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
    head.append(name).append(": ").append(value).append("\r\n");
  }
}
