package io.cachemesh.sidecar.config;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.engine.CacheAdmin;
import io.cachemesh.sidecar.engine.CacheEngine;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.Origin;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.PurgeResult;
import io.cachemesh.sidecar.engine.Route;
import io.cachemesh.sidecar.proxy.PassThroughEngine;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The engine in force, swapped under running traffic. Each request reads the reference once, so it
 * finishes on the engine it started with; a new config is applied by {@code reconfigure} on the same
 * engine (its cache survives), a vanished config swaps in a {@link PassThroughEngine}.
 */
public final class LiveEngine implements CacheEngine, CacheAdmin {
  /** An engine and its admin face, usually the same object. */
  public record Active(CacheEngine engine, CacheAdmin admin, boolean fallback) {
    public static <E extends CacheEngine & CacheAdmin> Active of(E engine) {
      return new Active(engine, engine, false);
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveEngine.class);
  private final Function<CompiledConfig, Active> factory;
  private volatile Listener listener = (config, active) -> { };
  private volatile Active active;
  private volatile boolean everConfigured;

  /** @param factory builds the engine for a first config (or the first after pass-through) */
  public LiveEngine(Function<CompiledConfig, Active> factory) {
    this.factory = factory;
    this.active = fallback();
  }

  private static Active fallback() {
    PassThroughEngine passThrough = new PassThroughEngine(null);
    return new Active(passThrough, passThrough, true);
  }

  /** Told about every config applied (with the engine now serving it) and about a dropped config (null, null). */
  @FunctionalInterface
  public interface Listener {
    void applied(CompiledConfig config, Active active);
  }

  public void setListener(Listener listener) {
    this.listener = listener;
  }

  public synchronized void apply(CompiledConfig config) {
    Active current = active;
    if (current.fallback()) {
      active = factory.apply(config);
    } else {
      current.admin().reconfigure(config);
    }
    everConfigured = true;
    listener.applied(config, active);
  }

  /** The config is gone: serve by pass-through until one appears again. */
  public synchronized void dropConfig() {
    Active previous = active;
    active = fallback();
    listener.applied(null, null);
    if (previous.engine() instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("event=engine_close_failed reason=\"{}\"", e.getMessage());
      }
    }
  }

  public boolean passThrough() {
    return active.fallback();
  }

  public boolean everConfigured() {
    return everConfigured;
  }

  @Override
  public Optional<CacheResponse> tryServeFromMemory(CacheRequest request) {
    return active.engine().tryServeFromMemory(request);
  }

  @Override
  public Route route(CacheRequest request) {
    return active.engine().route(request);
  }

  @Override
  public CacheResponse handle(CacheRequest request, Origin origin) {
    return active.engine().handle(request, origin);
  }

  @Override
  public long purge(Purge purge) {
    return active.admin().purge(purge);
  }

  @Override
  public PurgeResult purgeEverywhere(Purge purge) {
    return active.admin().purgeEverywhere(purge);
  }

  @Override
  public Optional<Map<String, Object>> inspect(CacheRequest request) {
    return active.admin().inspect(request);
  }

  @Override
  public void reconfigure(CompiledConfig config) {
    apply(config);
  }

  @Override
  public CompiledConfig config() {
    return active.admin().config();
  }
}
