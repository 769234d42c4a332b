package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.http.HopByHop;
import io.cachemesh.sidecar.origin.RequestBody;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * First handler: what Undertow's parser let through is checked for framing and Host ambiguities a
 * cache or an origin could read differently (request smuggling, cache poisoning), then parsed into
 * a {@link CacheRequest}. A rejected request gets a 4xx, its connection is closed (its body is
 * unread), and neither the engine nor the origin ever sees it.
 */
final class RequestSanityHandler implements HttpHandler {
  /** reg-name characters (RFC 3986 unreserved, sub-delims and pct-encoding), lower case. */
  private static final String REG_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._~!$&'()*+,;=%-";
  private final long maxRequestBody;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
  private final HttpHandler next;

  RequestSanityHandler(long maxRequestBody, MeterRegistry registry, HttpHandler next) {
    this.maxRequestBody = maxRequestBody;
    this.registry = registry;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    HeaderValues lengths = exchange.getRequestHeaders().get(Headers.CONTENT_LENGTH);
    HeaderValues codings = exchange.getRequestHeaders().get(Headers.TRANSFER_ENCODING);
    boolean hasLength = lengths != null && !lengths.isEmpty();
    boolean hasCodings = codings != null && !codings.isEmpty();
    if (hasLength && hasCodings) {
      reject(exchange, 400, "smuggling", "both Content-Length and Transfer-Encoding");
      return;
    }
    long bodyLength = 0;
    if (hasCodings) {
      if (codings.size() != 1 || !codings.getFirst().trim().equalsIgnoreCase("chunked")) {
        reject(exchange, 400, "transfer_encoding", "Transfer-Encoding must be exactly chunked");
        return;
      }
      bodyLength = -1;
    } else if (hasLength) {
      bodyLength = contentLength(lengths);
      if (bodyLength < 0) {
        reject(exchange, 400, "content_length", "bad Content-Length");
        return;
      }
      if (bodyLength > maxRequestBody) {
        reject(exchange, 413, "body_too_large", "request body larger than " + maxRequestBody + " bytes");
        return;
      }
    }
    HeaderValues hosts = exchange.getRequestHeaders().get(Headers.HOST);
    if (hosts == null || hosts.size() != 1) {
      reject(exchange, 400, "host", hosts == null ? "missing Host" : "more than one Host");
      return;
    }
    String host = normaliseHost(hosts.getFirst());
    if (host == null) {
      reject(exchange, 400, "host", "bad Host");
      return;
    }
    String path = exchange.getRequestPath();
    if (path.isEmpty() || path.charAt(0) != '/') {
      reject(exchange, 400, "target", "request target must be an absolute path");
      return;
    }
    if (!exchange.getProtocol().equals(Protocols.HTTP_1_1) && !exchange.getProtocol().equals(Protocols.HTTP_1_0)) {
      reject(exchange, 400, "version", "only HTTP/1.0 and HTTP/1.1, not " + exchange.getProtocol());
      return;
    }
    InetSocketAddress peer = exchange.getSourceAddress();
    String query = exchange.getQueryString();
    CacheRequest request = new CacheRequest(
        exchange.getRequestMethod().toString().toUpperCase(Locale.ROOT),
        "http",
        host,
        path,
        query == null || query.isEmpty() ? null : query,
        headers(exchange),
        peer.getAddress().isLoopbackAddress());
    exchange.putAttachment(ParsedRequest.KEY,
        new ParsedRequest(request, body(exchange, bodyLength), peer.getAddress().getHostAddress()));
    next.handleRequest(exchange);
  }

  private static RequestBody body(HttpServerExchange exchange, long length) {
    if (length == 0) {
      return RequestBody.NONE;
    }
    return new RequestBody(() -> openBody(exchange), length);
  }

  private static InputStream openBody(HttpServerExchange exchange) {
    if (HttpContinue.requiresContinueResponse(exchange)) {
      try {
        HttpContinue.sendContinueResponseBlocking(exchange);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return exchange.getInputStream();
  }

  /** -1 when absent or malformed; repeated equal values are one value (RFC 9110 8.6). */
  static long contentLength(HeaderValues values) {
    long length = -1;
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        String digits = part.trim();
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
          return -1;
        }
        long parsed = Long.parseLong(digits);
        if (length != -1 && parsed != length) {
          return -1;
        }
        length = parsed;
      }
    }
    return length;
  }

  /** Lower case, without the default port; null when it is not a valid authority. */
  static String normaliseHost(String raw) {
    String host = raw.trim().toLowerCase(Locale.ROOT);
    if (host.isEmpty() || host.length() > 255
        || !validAuthority(host)) {
      return null;
    }
    if (host.endsWith(":80")) {
      host = host.substring(0, host.length() - 3);
    }
    int colon = host.lastIndexOf(':');
    if (colon > host.lastIndexOf(']') && Integer.parseInt(host.substring(colon + 1)) > 65535) {
      return null;
    }
    return host;
  }

  /**
   * {@code reg-name[:port]} or {@code [ip-literal][:port]} with a port of 1-5 digits, on lower-case
   * input. Scanned by hand rather than with a regex: it runs for every request, hits included.
   */
  private static boolean validAuthority(String host) {
    int end;
    if (host.charAt(0) == '[') {
      end = host.indexOf(']');
      if (end < 2 || !allIn(host, 1, end, "0123456789abcdef:.")) {
        return false;
      }
      end++;
    } else {
      end = host.indexOf(':');
      end = end < 0 ? host.length() : end;
      if (end == 0 || !allIn(host, 0, end, REG_NAME_CHARS)) {
        return false;
      }
    }
    if (end == host.length()) {
      return true;
    }
    int digits = host.length() - end - 1;
    return host.charAt(end) == ':' && digits >= 1 && digits <= 5 && allIn(host, end + 1, host.length(), "0123456789");
  }

  private static boolean allIn(String s, int from, int to, String allowed) {
    for (int i = from; i < to; i++) {
      if (allowed.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static HeaderList headers(HttpServerExchange exchange) {
    List<Header> out = new ArrayList<>(exchange.getRequestHeaders().size());
    for (HeaderValues values : exchange.getRequestHeaders()) {
      String name = values.getHeaderName().toString();
      for (String value : values) {
        out.add(new Header(name, value));
      }
    }
    return HopByHop.strip(new HeaderList(out));
  }

  private void reject(HttpServerExchange exchange, int status, String reason, String message) {
    rejected.computeIfAbsent(reason, r -> Counter.builder("cachemesh_rejected_requests")
        .description("Client requests refused before reaching the cache or the app")
        .tag("reason", r)
        .register(registry)).increment();
    exchange.setPersistent(false);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
    exchange.getResponseSender().send(ByteBuffer.wrap(("bad request: " + message + "\n").getBytes(StandardCharsets.UTF_8)));
  }
}
