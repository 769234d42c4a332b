package io.cachemesh.sidecar.proxy;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.engine.CacheAdmin;
import io.cachemesh.sidecar.engine.CacheEngine;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.Origin;
import io.cachemesh.sidecar.engine.OriginResponse;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.RelayPlan;
import io.cachemesh.sidecar.engine.Route;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards everything and stores nothing. What the sidecar runs when it has no valid config (before
 * the first one, or after the mounted one disappeared): the app keeps being served, never an error
 * because of the cache.
 */
public final class PassThroughEngine implements CacheEngine, CacheAdmin {
  public static final String CACHE_STATUS = "cachemesh; fwd=bypass; detail=pass-through";
  private static final Logger LOG = LoggerFactory.getLogger(PassThroughEngine.class);
  private volatile CompiledConfig config;

  /** @param config reported by {@link #config()}, not applied; null when there is none */
  public PassThroughEngine(CompiledConfig config) {
    this.config = config;
  }

  @Override
  public Optional<CacheResponse> tryServeFromMemory(CacheRequest request) {
    return Optional.empty();
  }

  @Override
  public Route route(CacheRequest request) {
    return new Route.Relay(PLAN);
  }

  @Override
  public CacheResponse handle(CacheRequest request, Origin origin) {
    OriginResponse response;
    try {
      response = origin.send(request, HeaderList.EMPTY);
    } catch (IOException e) {
      return PLAN.failed(e);
    }
    HeaderList headers = PLAN.respond(response.status(), response.headers(), response.contentLength(), response.responseTimeMillis());
    return new CacheResponse(response.status(), headers, null, null, response.body());
  }

  /** Labels what passes through; nothing here is counted (no policy, so no rule to count under). */
  private static final RelayPlan PLAN = new RelayPlan() {
    @Override
    public HeaderList respond(int status, HeaderList originFields, long contentLength, long responseTimeMillis) {
      // RFC 9211: each cache on the path adds its entry in front of those of the caches behind it.
      List<String> behind = originFields.all("Cache-Status");
      return originFields.with("Cache-Status",
          behind.isEmpty() ? CACHE_STATUS : CACHE_STATUS + ", " + String.join(", ", behind));
    }

    @Override
    public CacheResponse failed(IOException cause) {
      LOG.warn("event=origin_error reason=\"{}\"", cause.getMessage());
      return cause instanceof SocketTimeoutException
          ? error(504, "origin timed out") : error(502, "origin unreachable or sent an invalid response");
    }
  };

  static CacheResponse error(int status, String text) {
    return new CacheResponse(status,
        HeaderList.of("Content-Type", "text/plain; charset=utf-8", "Cache-Status", CACHE_STATUS),
        (text + "\n").getBytes(StandardCharsets.UTF_8), null, null);
  }

  @Override
  public long purge(Purge purge) {
    return 0;
  }

  @Override
  public Optional<Map<String, Object>> inspect(CacheRequest request) {
    return Optional.empty();
  }

  @Override
  public void reconfigure(CompiledConfig newConfig) {
    this.config = newConfig;
  }

  @Override
  public CompiledConfig config() {
    return config;
  }
}
