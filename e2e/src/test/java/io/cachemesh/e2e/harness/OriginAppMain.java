package io.cachemesh.e2e.harness;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application behind the sidecars, as a process: {@code OriginAppMain} prints
 * {@code event=origin_listening port=N}. Every response is cacheable by default
 * ({@code Cache-Control: public, max-age=60}) so that what keeps a response out of a shared cache
 * is the sidecar's judgement, not the origin's. Routes:
 * <ul>
 *   <li>{@code /whoami...}: echoes the Authorization, Cookie and query it received (a per-user page);</li>
 *   <li>{@code /login}: sets a session cookie;</li>
 *   <li>{@code /vary}: {@code Vary: Accept-Language}, echoes it;</li>
 *   <li>{@code /slow...?ms=N}: answers after N ms;</li>
 *   <li>{@code /maxage/N/...}: {@code max-age=N};</li>
 *   <li>anything else: a page tagged {@code Surrogate-Key: page:<path>}, body with its hit number;</li>
 *   <li>{@code /__admin/fail?on=true|false}: every non-admin route answers 503 while on;</li>
 *   <li>{@code /__hits?path=P}: how many requests reached path P (not counting the admin routes).</li>
 * </ul>
 */
public final class OriginAppMain {
  private static final Map<String, AtomicLong> HITS = new ConcurrentHashMap<>();
  private static final AtomicBoolean FAILING = new AtomicBoolean();
  private static final HttpString SURROGATE_KEY = new HttpString("Surrogate-Key");

  private OriginAppMain() {}

  public static void main(String[] args) {
    Undertow server = Undertow.builder()
        .setIoThreads(1)
        .setWorkerThreads(64)
        .addHttpListener(0, "127.0.0.1")
        .setHandler(OriginAppMain::handle)
        .build();
    server.start();
    int port = ((InetSocketAddress) server.getListenerInfo().getFirst().getAddress()).getPort();
    System.out.println("event=origin_listening port=" + port);
    System.out.flush();
  }

  private static void handle(HttpServerExchange exchange) throws InterruptedException {
    if (exchange.isInIoThread()) {
      exchange.dispatch(OriginAppMain::handle);
      return;
    }
    String path = exchange.getRequestPath();
    if (path.equals("/__hits")) {
      AtomicLong hits = HITS.get(param(exchange, "path", ""));
      send(exchange, 200, "text/plain", Long.toString(hits == null ? 0 : hits.get()));
      return;
    }
    if (path.equals("/__admin/fail")) {
      FAILING.set(Boolean.parseBoolean(param(exchange, "on", "false")));
      send(exchange, 200, "text/plain", "failing=" + FAILING.get());
      return;
    }
    long hit = HITS.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
    if (FAILING.get()) {
      send(exchange, 503, "text/plain", "origin failing on purpose");
      return;
    }
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=60");
    String route = path.startsWith("/whoami") ? "/whoami" : path.startsWith("/slow") ? "/slow" : path;
    switch (route) {
      case "/whoami" -> send(exchange, 200, "text/plain", "auth=" + header(exchange, "Authorization")
          + "\ncookie=" + header(exchange, "Cookie") + "\nquery=" + sortedQuery(exchange) + "\nhit=" + hit);
      case "/login" -> {
        exchange.getResponseHeaders().add(Headers.SET_COOKIE, "session=s" + hit + "; Path=/; HttpOnly");
        send(exchange, 200, "text/plain", "session=s" + hit);
      }
      case "/vary" -> {
        exchange.getResponseHeaders().put(Headers.VARY, "Accept-Language");
        send(exchange, 200, "text/plain", "lang=" + header(exchange, "Accept-Language") + "\nhit=" + hit);
      }
      case "/slow" -> {
        Thread.sleep(Long.parseLong(param(exchange, "ms", "200")));
        send(exchange, 200, "text/plain", "slow hit=" + hit);
      }
      default -> {
        if (path.startsWith("/maxage/")) {
          String seconds = path.substring("/maxage/".length()).split("/", 2)[0];
          exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "public, max-age=" + seconds);
        }
        exchange.getResponseHeaders().put(SURROGATE_KEY, "page:" + path);
        send(exchange, 200, "text/plain", "path=" + path + "\nhit=" + hit);
      }
    }
  }

  private static String header(HttpServerExchange exchange, String name) {
    String value = exchange.getRequestHeaders().getFirst(name);
    return value == null ? "" : value;
  }

  private static String param(HttpServerExchange exchange, String name, String fallback) {
    Deque<String> values = exchange.getQueryParameters().get(name);
    return values == null || values.isEmpty() ? fallback : values.getFirst();
  }

  private static String sortedQuery(HttpServerExchange exchange) {
    Map<String, String> sorted = new TreeMap<>();
    exchange.getQueryParameters().forEach((k, v) -> sorted.put(k, String.join(",", v)));
    return sorted.toString();
  }

  private static void send(HttpServerExchange exchange, int status, String type, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    exchange.getResponseSender().send(body);
  }
}
