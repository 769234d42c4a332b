package io.cachemesh.sidecar.broker;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.config.LiveEngine;
import io.cachemesh.sidecar.engine.DefaultCacheEngine;
import io.cachemesh.sidecar.redis.BrokerSecret;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engine in force wired to its fleet as configs come and go ({@link LiveEngine.Listener}):
 * one {@link PolicyFleet} per policy and keyVersion (a new one on a change, the old one closed),
 * the shared tier attached only when the config says {@code shared.enabled}, the consumer and
 * heartbeats whenever a broker is configured. The Secret is read again on every applied config; a
 * changed Secret replaces the connection. Nothing here waits for Redis.
 */
public final class FleetBinding implements LiveEngine.Listener, AutoCloseable {
  /** Enough connections that requests on virtual threads rarely wait for one (a full pool counts as a failure). */
  static final RedisSettings SETTINGS = new RedisSettings(
      RedisSettings.DEFAULTS.connectTimeout(), RedisSettings.DEFAULTS.socketTimeout(), 32, RedisSettings.DEFAULTS.clientName());
  private static final Logger LOG = LoggerFactory.getLogger(FleetBinding.class);

  private final BrokerSource source;
  private final PolicyFleet.Identity identity;
  private final Clock clock;
  private final MeterRegistry registry;
  private BrokerSecret secret;
  private RedisConnection redis;
  private PolicyFleet fleet;
  private String fleetKey;
  private DefaultCacheEngine engine;

  public FleetBinding(BrokerSource source, PolicyFleet.Identity identity, Clock clock, MeterRegistry registry) {
    this.source = source;
    this.identity = identity;
    this.clock = clock;
    this.registry = registry;
  }

  @Override
  public synchronized void applied(CompiledConfig config, LiveEngine.Active active) {
    if (config == null || active == null || !(active.admin() instanceof DefaultCacheEngine e)) {
      unbind();
      return;
    }
    refreshSecret();
    if (secret == null) {
      unbind();
      return;
    }
    String key = config.policy() + "#" + config.keyVersion();
    if (fleet == null || !key.equals(fleetKey) || e != engine) {
      closeFleet();
      fleet = new PolicyFleet(redis, config, secret.hmacKey(), identity, e::applyFleetPurge, e::dropMemory,
          () -> new HeartbeatPublisher.Stats(e.config().hash(), e.requestsWithResult("hit"), e.requestsWithResult("miss")),
          clock, registry);
      fleet.start();
      fleetKey = key;
      engine = e;
      LOG.info("event=fleet_bound policy={} keyVersion={} shared={} broker={} pod={}", config.policy(),
          config.keyVersion(), config.shared().enabled(), redis.endpoint(), identity.pod());
    }
    e.attachFleet(config.shared().enabled() ? fleet.store() : null, fleet::publish);
  }

  /** Re-reads the Secret; a changed one replaces the connection (and so the fleet). A bad one keeps the last good. */
  private void refreshSecret() {
    BrokerSecret current;
    try {
      current = source.load();
    } catch (IllegalArgumentException ex) {
      LOG.warn("event=broker_secret_invalid source={} error=\"{}\" action={}", source, ex.getMessage(),
          secret == null ? "no_broker" : "keep_last");
      return;
    }
    if (current.equals(secret)) {
      return;
    }
    closeFleet();
    if (redis != null) {
      redis.close();
    }
    secret = current;
    redis = new RedisConnection(current.endpoint(), SETTINGS, clock, registry);
  }

  private void unbind() {
    closeFleet();
    if (engine != null) {
      engine.detachFleet();
      engine = null;
    }
  }

  private void closeFleet() {
    if (fleet != null) {
      fleet.close();
      fleet = null;
      fleetKey = null;
    }
  }

  @Override
  public synchronized void close() {
    unbind();
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }
}
