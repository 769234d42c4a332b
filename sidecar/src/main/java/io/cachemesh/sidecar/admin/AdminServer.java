package io.cachemesh.sidecar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.ConfigJson;
import io.cachemesh.sidecar.engine.CacheAdmin;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.PurgeResult;
import io.cachemesh.sidecar.http.HostPort;
import io.cachemesh.sidecar.http.SharedIo;
import io.cachemesh.sidecar.http.SmallServer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback admin API: {@code POST /purge}, {@code GET /inspect}, {@code GET /config}. It can
 * drop the whole cache, so it binds to a loopback address only (refusing anything else at start)
 * and checks every request's peer as well, in case the listener is ever reached another way.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final int MAX_BODY = 64 * 1024;
  /** Built on the first admin request, not at startup: a mapper costs tens of milliseconds cold. */
  private static final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  }
  private final CacheAdmin admin;
  private final SmallServer server;

  /** @throws IllegalArgumentException when {@code listen} is not a loopback address */
  public AdminServer(HostPort listen, SharedIo io, CacheAdmin admin, ExecutorService virtualThreads) {
    if (!listen.isLoopback()) {
      throw new IllegalArgumentException("--admin-listen " + listen
          + " is not a loopback address: the admin API can purge the cache and must stay inside the pod");
    }
    this.admin = admin;
    this.server = new SmallServer(listen, io, MAX_BODY, virtualThreads, this::handle);
  }

  public void start() {
    server.start();
  }

  public InetSocketAddress address() {
    return server.address();
  }

  private void handle(HttpServerExchange exchange) throws IOException {
    if (!exchange.getSourceAddress().getAddress().isLoopbackAddress()) {
      send(exchange, 403, Map.of("error", "the admin API answers loopback clients only"));
      return;
    }
    try {
      switch (exchange.getRequestPath()) {
        case "/purge" -> purge(exchange);
        case "/inspect" -> inspect(exchange);
        case "/config" -> config(exchange);
        default -> send(exchange, 404, Map.of("error", "no such endpoint: use POST /purge, GET /inspect, GET /config"));
      }
    } catch (BadParameterException e) {
      send(exchange, 400, Map.of("error", e.getMessage(), "parameter", e.parameter()));
    }
  }

  private void purge(HttpServerExchange exchange) throws IOException, BadParameterException {
    if (!requireMethod(exchange, Methods.POST)) {
      return;
    }
    Map<String, List<String>> params = query(exchange);
    String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (contentType != null && contentType.startsWith("application/json")) {
      if (!params.isEmpty()) {
        throw new BadParameterException("(query)", "give parameters either as JSON or as a query string, not both");
      }
      params = AdminParams.fromJson(Json.MAPPER, readBody(exchange));
    }
    Purge purge = AdminParams.purge(params);
    boolean local = AdminParams.localOnly(params);
    PurgeResult result = local ? PurgeResult.local(admin.purge(purge)) : admin.purgeEverywhere(purge);
    LOG.info("event=purge kind={} values={} soft={} count={} local={} event_id={}", purge.kind(), purge.values().size(),
        purge.soft(), result.purged(), local, result.eventId());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", purge.kind().name().toLowerCase(java.util.Locale.ROOT));
    out.put("values", purge.values());
    out.put("soft", purge.soft());
    out.put("purged", result.purged());
    if (result.fleet()) {
      // Published: every replica applies it. Not published (Redis down): applied here only, say so.
      out.put("sharedPurged", result.sharedPurged());
      out.put("published", result.eventId() != null);
      if (result.eventId() != null) {
        out.put("eventId", result.eventId());
      }
    }
    out.put("scope", scope(local, purge, result));
    send(exchange, 200, out);
  }

  /** local: this replica only; shared: this replica and the shared tier (KEY purges are never published); fleet: published. */
  private static String scope(boolean local, Purge purge, PurgeResult result) {
    if (local || !result.fleet()) {
      return "local";
    }
    if (purge.kind() == Purge.Kind.KEY) {
      return "shared";
    }
    return result.eventId() != null ? "fleet" : "local-broker-unavailable";
  }

  private void inspect(HttpServerExchange exchange) throws IOException, BadParameterException {
    if (!requireMethod(exchange, Methods.GET)) {
      return;
    }
    CacheRequest request = AdminParams.inspect(query(exchange));
    Optional<Map<String, Object>> entry = admin.inspect(request);
    if (entry.isPresent()) {
      send(exchange, 200, entry.get());
    } else {
      send(exchange, 404, Map.of("url", request.pathAndQuery(), "host", request.host(), "cached", false));
    }
  }

  private void config(HttpServerExchange exchange) throws IOException {
    if (!requireMethod(exchange, Methods.GET)) {
      return;
    }
    CompiledConfig config = admin.config();
    if (config == null) {
      send(exchange, 503, Map.of("error", "no config loaded: the sidecar passes everything through"));
      return;
    }
    exchange.getResponseHeaders().put(Headers.ETAG, "\"" + config.hash() + "\"");
    exchange.getResponseHeaders().put(HttpString.tryFromString("X-Config-Hash"), config.hash());
    write(exchange, 200, ConfigJson.write(config).getBytes(StandardCharsets.UTF_8));
  }

  private boolean requireMethod(HttpServerExchange exchange, HttpString method) throws IOException {
    if (exchange.getRequestMethod().equals(method)) {
      return true;
    }
    exchange.getResponseHeaders().put(Headers.ALLOW, method.toString());
    send(exchange, 405, Map.of("error", exchange.getRequestPath() + " takes " + method));
    return false;
  }

  private static Map<String, List<String>> query(HttpServerExchange exchange) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
      out.put(e.getKey(), new ArrayList<>(e.getValue()));
    }
    return out;
  }

  private static byte[] readBody(HttpServerExchange exchange) throws IOException, BadParameterException {
    try (InputStream in = exchange.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new BadParameterException("(body)", "larger than " + MAX_BODY + " bytes");
      }
      return body;
    }
  }

  private void send(HttpServerExchange exchange, int status, Map<String, ?> body) throws IOException {
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IOException("cannot write the admin response as JSON", e);
    }
    write(exchange, status, bytes);
  }

  private static void write(HttpServerExchange exchange, int status, byte[] bytes) throws IOException {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
    try (OutputStream out = exchange.getOutputStream()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
