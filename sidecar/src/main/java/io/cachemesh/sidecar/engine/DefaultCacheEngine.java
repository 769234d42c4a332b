package io.cachemesh.sidecar.engine;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.cache.MemoryTier;
import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.CacheStatus;
import io.cachemesh.sidecar.shared.SharedStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache engine: RFC 9111 as a shared cache in front of one origin, with the policy's rules.
 * This class assembles the steps and reads top to bottom in {@link #handle}: {@link Admission}
 * (unsafe methods, bypass, key), {@link Lookup} (memory), fresh hit, stale-while-revalidate
 * ({@link StaleServing}), {@link Coalescing} (one origin request per key), {@link FleetFetch}
 * (shared tier, fleet lock), {@link UpstreamFetch} (origin, {@link Revalidation}, store decision,
 * {@link Storing}), {@link Responder}. Unsafe methods go through {@link UnsafeInvalidation};
 * purges through {@link Purges}.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Coalescing: waiters are served from the stored result; when the response is not storable
 *       they go to the origin themselves and the key is remembered as uncacheable
 *       ({@link HitForMiss}), so uncacheable traffic is never serialised.
 *   <li>A HEAD miss is fetched as a GET so that it fills the cache (HEAD and GET share keys).
 *   <li>On a miss the client's own conditional and Range fields are overridden with empty values
 *       (an empty override removes the field, see {@link Origin}) so the origin sends a complete,
 *       storable response; the cache then answers the conditional and the Range itself (206/416
 *       from the stored 200, see package-info).
 *   <li>Soft-purged entries are stale from the purge on: served while one background request
 *       refreshes them when the rule allows stale-while-revalidate, else revalidated before use.
 *   <li>{@code clientCacheControl} replaces Cache-Control only on responses that are stored or
 *       served from the cache: a private or no-store response keeps the origin's, so the rewrite
 *       can never make a browser or CDN keep a personal response.
 *   <li>Shared tier (when {@link #attachFleet} gave one): lookup order memory, shared, origin, on
 *       the slow path only ({@link #tryServeFromMemory} never touches Redis). A shared hit is
 *       checked like any stored entry and fills memory ({@code detail=shared}). Local coalescing
 *       comes first; its leader then takes the fleet lock (see {@link FleetFetch}). Requests with
 *       Authorization, rules with scope PerUser, and responses with Vary never use the shared
 *       tier: their keys carry only identity hashes, but a personal response has no business in
 *       a store every replica (and every Redis operator) reads, and a Vary'd entry's variant cannot
 *       be found without knowing the Vary first.
 *   <li>Purges from the broker apply to memory first, hiding what they match in the shared tier
 *       until their shared-tier part has run (see {@link Purges}).
 *   <li>A broker gap drops memory and makes shared entries requested before it misses here
 *       ({@link FleetLink#gap}): they may have outlived an event that every replica missed.
 * </ul>
 */
public final class DefaultCacheEngine implements CacheEngine, CacheAdmin, AutoCloseable {
  static final Duration DEFAULT_COALESCE_WAIT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCacheEngine.class);

  private final Clock clock;
  private final MemoryTier memory;
  private final EngineMetrics metrics;
  private final HitForMiss hitForMiss;
  private final FleetLink fleet = new FleetLink();
  private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
  private final MeterRegistry registry;
  private final Lookup lookup;
  private final Responder responder;
  private final StaleServing stale;
  private final Coalescing coalescing;
  private final UpstreamFetch upstream;
  private final PassThrough passThrough;
  private final UnsafeInvalidation unsafe;
  private final Purges purges;
  private final Inspection inspection;
  private volatile ConfigPlan plan;

  public DefaultCacheEngine(CompiledConfig config, Clock clock, MeterRegistry registry) {
    this(config, clock, registry, DEFAULT_COALESCE_WAIT);
  }

  /** @param coalesceWait how long a request waits for another request to the same key (the origin timeout) */
  public DefaultCacheEngine(CompiledConfig config, Clock clock, MeterRegistry registry, Duration coalesceWait) {
    this.clock = clock;
    this.registry = registry;
    this.memory = new MemoryTier(config.memory().maxSizeBytes(), clock);
    this.metrics = new EngineMetrics(registry, config.policy().toString(), memory);
    this.hitForMiss = new HitForMiss(clock);
    this.plan = new ConfigPlan(config, metrics);
    OriginFailures failures = new OriginFailures(clock);
    this.lookup = new Lookup(memory);
    this.responder = new Responder(metrics);
    this.stale = new StaleServing(responder);
    Storing storing = new Storing(memory, fleet);
    this.upstream = new UpstreamFetch(clock, hitForMiss, storing, new Revalidation(storing, responder), stale, responder, failures);
    FleetFetch fleetFetch = new FleetFetch(clock, memory, fleet, hitForMiss, upstream, stale, responder, coalesceWait);
    this.coalescing = new Coalescing(clock, fleetFetch, upstream, stale, responder, metrics, failures, background, coalesceWait);
    this.passThrough = new PassThrough(responder, metrics, failures);
    this.purges = new Purges(memory, hitForMiss, fleet, metrics, clock);
    this.unsafe = new UnsafeInvalidation(passThrough, purges);
    this.inspection = new Inspection(clock, lookup, fleet);
  }

  /**
   * Called for every purge the engine originates itself (unsafe requests passing through), after
   * it applied it locally: the broker publishes these fleet-wide.
   */
  public void setPurgeListener(Consumer<Purge> listener) {
    unsafe.setListener(listener);
  }

  /**
   * Connects the engine to its fleet: {@code store} is the shared tier (null when the policy's
   * shared tier is off), {@code publisher} publishes purges on the broker. Replaces any earlier one.
   */
  public void attachFleet(SharedStore store, Function<Purge, Optional<String>> publisher) {
    fleet.attach(new SharedTier(store, publisher, background, registry, plan.config.policy().toString()));
  }

  /** Back to a replica on its own: no shared tier, nothing published. */
  public void detachFleet() {
    fleet.detach();
  }

  /** Requests that counted as hits and as misses (any tier, any rule), for heartbeats. */
  public long requestsWithResult(String result) {
    return metrics.total(result);
  }

  MemoryTier memory() {
    return memory;
  }

  // ---------------------------------------------------------------- CacheEngine

  @Override
  public Optional<CacheResponse> tryServeFromMemory(CacheRequest request) {
    Exchange c = Admission.admit(request, plan);
    if (c.bypassReason != null || c.unsafe) {
      return Optional.empty();
    }
    StoredResponse e = lookup.find(c);
    long now = clock.millis();
    if (e == null || !Usability.fresh(c, e, now)) {
      return Optional.empty();
    }
    return Optional.of(hit(c, e, now));
  }

  /**
   * One admission for the IO thread's three ways: a fresh memory hit is served; a request that will
   * not use the cache (a bypass, or a key marked {@link HitForMiss} with nothing stored) is relayed;
   * everything else (unsafe methods, misses, stale entries, only-if-cached) takes the full path.
   */
  @Override
  public Route route(CacheRequest request) {
    Exchange c = Admission.admit(request, plan);
    if (c.unsafe) {
      return Route.FULL;
    }
    if (c.bypassReason != null) {
      return new Route.Relay(passThrough.plan(c));
    }
    StoredResponse e = lookup.find(c);
    long now = clock.millis();
    if (e != null) {
      return Usability.fresh(c, e, now) ? new Route.Serve(hit(c, e, now)) : Route.FULL;
    }
    if (hitForMiss.marked(c.fullKey) && !c.requestCc.onlyIfCached()) {
      return new Route.Relay(upstream.relayPlan(c));
    }
    return Route.FULL;
  }

  @Override
  public CacheResponse handle(CacheRequest request, Origin origin) {
    Exchange c = Admission.admit(request, plan);
    if (c.unsafe) {
      return unsafe.forward(c, origin);
    }
    if (c.bypassReason != null) {
      return passThrough.forward(c, origin);
    }
    for (int attempt = 0; ; attempt++) {
      StoredResponse e = lookup.find(c);
      long now = clock.millis();
      if (e != null && Usability.fresh(c, e, now)) {
        return hit(c, e, now);
      }
      if (e != null && Usability.staleWhileRevalidate(c, e, now)) {
        coalescing.refreshInBackground(c, e, origin);
        return stale.whileRevalidating(c, e, now);
      }
      if (c.requestCc.onlyIfCached()) {
        responder.count(c, "miss", "only-if-cached", "none");
        return responder.error(c, 504, CacheStatus.notForwarded("only-if-cached", c.rp.ruleParam()));
      }
      if (attempt >= 2 || hitForMiss.marked(c.fullKey)) {
        return upstream.fetch(c, e, origin, null);
      }
      CacheResponse r = coalescing.fetchOrWait(c, e, origin);
      if (r != null) {
        return r;
      }
      // The flight stored another variant: look again, now knowing the origin's Vary.
    }
  }

  private CacheResponse hit(Exchange c, StoredResponse e, long now) {
    c.rp.hits().increment();
    return responder.serve(c, e, now, CacheStatus.hit(e.ttlMillis(now), "memory", c.rp.ruleParam()));
  }

  // ---------------------------------------------------------------- CacheAdmin

  @Override
  public long purge(Purge purge) {
    return purges.purge(purge);
  }

  @Override
  public PurgeResult purgeEverywhere(Purge purge) {
    return purges.everywhere(purge);
  }

  /**
   * Applies a purge that came from the broker (any replica's, or an application's XADD) to memory
   * at once and returns its shared-tier part, to be run next: until then, shared entries it matches
   * are read as the purge will leave them, so once this returns the replica serves nothing the
   * purge removed from either tier (see {@link Purges#fromFleetMemoryFirst}). Idempotent: every
   * replica applies every event.
   */
  public Runnable beginFleetPurge(Purge purge) {
    return purges.fromFleetMemoryFirst(purge);
  }

  /** {@link #beginFleetPurge} and its shared-tier part, in one call. */
  public void applyFleetPurge(Purge purge) {
    beginFleetPurge(purge).run();
  }

  /**
   * The broker lost events this replica may have needed: drops the memory tier, and from now on
   * treats shared-tier entries requested before now as misses (every replica may have missed the
   * event, so no one applied it to the shared tier).
   */
  public void brokerGap() {
    purges.brokerGap(plan.config.policy().toString(), clock.millis());
  }

  @Override
  public Optional<Map<String, Object>> inspect(CacheRequest request) {
    return inspection.inspect(Admission.admit(request, plan));
  }

  @Override
  public synchronized void reconfigure(CompiledConfig config) {
    CompiledConfig old = plan.config;
    plan = new ConfigPlan(config, metrics);
    if (old.keyVersion() != config.keyVersion() || !old.keyPrefix().equals(config.keyPrefix())) {
      // The new keys can never match the old entries: free their memory now.
      memory.clear();
      hitForMiss.clearAll();
    }
    if (old.memory().maxSizeBytes() != config.memory().maxSizeBytes()) {
      memory.setMaximumBytes(config.memory().maxSizeBytes());
    }
    LOG.info("event=engine_reconfigured policy={} rules={} keyVersion={} hash={}", config.policy(),
        config.rules().size(), config.keyVersion(), config.hash());
  }

  @Override
  public CompiledConfig config() {
    return plan.config;
  }

  /** Stops background refreshes; requests in progress finish. */
  @Override
  public void close() {
    background.shutdown();
  }
}
