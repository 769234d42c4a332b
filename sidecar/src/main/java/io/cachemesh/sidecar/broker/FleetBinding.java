package io.cachemesh.sidecar.broker;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.config.LiveEngine;
import io.cachemesh.sidecar.engine.DefaultCacheEngine;
import io.cachemesh.sidecar.redis.BrokerSecret;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engine in force wired to its fleet as configs come and go ({@link LiveEngine.Listener}):
 * one {@link PolicyFleet} per policy and keyVersion (a new one on a change, the old one closed),
 * the shared tier attached only when the config says {@code shared.enabled}, the consumer and
 * heartbeats whenever a broker is configured. The Secret is read again on every applied config and,
 * once {@link #start started}, whenever its mounted directory changes ({@link SecretWatcher}): a
 * rotated Secret gets a new connection and fleet (new HMAC key), attached in place; requests in
 * flight finish on the old connection, which is closed after. A bad Secret keeps the last good
 * one, logged and counted once per distinct error
 * ({@code cachemesh_broker_secret_reloads_total{result="rejected"}}). Nothing here waits for Redis.
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
  private final Counter secretsApplied;
  private final Counter secretsRejected;
  private BrokerSecret secret;
  private String lastSecretError;
  private RedisConnection redis;
  private PolicyFleet fleet;
  private String fleetKey;
  private DefaultCacheEngine engine;
  private CompiledConfig lastConfig;
  private LiveEngine.Active lastActive;
  private SecretWatcher watcher;

  public FleetBinding(BrokerSource source, PolicyFleet.Identity identity, Clock clock, MeterRegistry registry) {
    this.source = source;
    this.identity = identity;
    this.clock = clock;
    this.registry = registry;
    this.secretsApplied = secretReloads("applied");
    this.secretsRejected = secretReloads("rejected");
  }

  private Counter secretReloads(String result) {
    return Counter.builder("cachemesh.broker.secret.reloads")
        .description("Broker Secrets read after a change: applied, or rejected (the last good one stays)")
        .tag("result", result)
        .register(registry);
  }

  /** Watches the mounted Secret directory (nothing to watch for settings from the environment). */
  public synchronized void start(Duration pollInterval) {
    if (source.secretDirectory() != null && watcher == null) {
      watcher = new SecretWatcher(source.secretDirectory(), this::secretMaybeChanged, pollInterval);
      watcher.start();
    }
  }

  @Override
  public synchronized void applied(CompiledConfig config, LiveEngine.Active active) {
    lastConfig = config;
    lastActive = active;
    bind(config, active, load());
  }

  /** The Secret directory changed (or the poll came round): rebinds only if it now says something else. */
  synchronized void secretMaybeChanged() {
    BrokerSecret current = load();
    if (current == null || current.equals(secret) || lastConfig == null) {
      return;
    }
    bind(lastConfig, lastActive, current);
  }

  private void bind(CompiledConfig config, LiveEngine.Active active, BrokerSecret loaded) {
    if (config == null || active == null || !(active.admin() instanceof DefaultCacheEngine e)) {
      unbind();
      return;
    }
    RedisConnection retired = null;
    if (loaded != null && !loaded.equals(secret)) {
      closeFleet();
      retired = redis;
      if (secret != null) {
        secretsApplied.increment();
        LOG.info("event=broker_secret_rotated source={} broker={}", source, loaded.endpoint());
      }
      secret = loaded;
      redis = new RedisConnection(loaded.endpoint(), SETTINGS, clock, registry);
    }
    if (secret == null) {
      unbind();
      return;
    }
    String key = config.policy() + "#" + config.keyVersion();
    if (fleet == null || !key.equals(fleetKey) || e != engine) {
      closeFleet();
      fleet = new PolicyFleet(redis, config, secret.hmacKey(), identity, e::beginFleetPurge, e::brokerGap,
          () -> new HeartbeatPublisher.Stats(e.config().hash(), e.requestsWithResult("hit"), e.requestsWithResult("miss")),
          clock, registry);
      fleet.start();
      fleetKey = key;
      engine = e;
      LOG.info("event=fleet_bound policy={} keyVersion={} shared={} broker={} pod={}", config.policy(),
          config.keyVersion(), config.shared().enabled(), redis.endpoint(), identity.pod());
    }
    e.attachFleet(config.shared().enabled() ? fleet.store() : null, fleet::publish);
    if (retired != null) {
      // Requests that were using the old store have had their answer (or a miss): close it now.
      retired.close();
    }
  }

  /** The Secret as mounted now, or null when it is bad (logged and counted once per distinct error). */
  private BrokerSecret load() {
    try {
      BrokerSecret current = source.load();
      lastSecretError = null;
      return current;
    } catch (IllegalArgumentException ex) {
      if (!ex.getMessage().equals(lastSecretError)) {
        lastSecretError = ex.getMessage();
        secretsRejected.increment();
        LOG.warn("event=broker_secret_invalid source={} error=\"{}\" action={}", source, ex.getMessage(),
            secret == null ? "no_broker" : "keep_last");
      }
      return null;
    }
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
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    unbind();
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }
}
