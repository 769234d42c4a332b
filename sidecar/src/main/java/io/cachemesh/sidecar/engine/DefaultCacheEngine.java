package io.cachemesh.sidecar.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.sidecar.cache.MemoryTier;
import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.key.KeyFactory;
import io.cachemesh.sidecar.key.RequestKey;
import io.cachemesh.sidecar.semantics.CacheControl;
import io.cachemesh.sidecar.semantics.CacheStatus;
import io.cachemesh.sidecar.semantics.Conditionals;
import io.cachemesh.sidecar.semantics.Freshness;
import io.cachemesh.sidecar.semantics.StoreDecision;
import io.cachemesh.sidecar.semantics.Storability;
import io.cachemesh.sidecar.shared.LockAttempt;
import io.cachemesh.sidecar.shared.SharedStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache engine: RFC 9111 as a shared cache in front of one origin, with the policy's rules.
 * Read {@link #handle} top to bottom: admission (unsafe methods, bypass), lookup, fresh hit,
 * stale-while-revalidate, coalescing, origin, store.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Coalescing: one origin request per key; others wait (bounded) and are served from the
 *       stored result. When the response is not storable the waiters go to the origin themselves
 *       and the key is remembered as uncacheable for {@link #HIT_FOR_MISS} (Varnish's
 *       hit-for-miss), so uncacheable traffic is never serialised; a later storable response
 *       clears it.
 *   <li>A HEAD miss is fetched as a GET so that it fills the cache (HEAD and GET share keys).
 *   <li>On a miss the client's own conditional and Range fields are overridden with empty values
 *       (an empty override removes the field, see {@link Origin}) so the origin sends a complete,
 *       storable response; the cache then answers the conditional itself.
 *   <li>Soft-purged entries are stale from the purge on: served while one background request
 *       refreshes them when the rule allows stale-while-revalidate, else revalidated before use.
 *   <li>{@code clientCacheControl} replaces Cache-Control only on responses that are stored or
 *       served from the cache: a private or no-store response keeps the origin's, so the rewrite
 *       can never make a browser or CDN keep a personal response.
 *   <li>{@link #inspect} returns empty when nothing is stored for the request.
 *   <li>Shared tier (when {@link #attachFleet} gave one): lookup order memory, shared, origin, on
 *       the slow path only ({@link #tryServeFromMemory} never touches Redis). A shared hit is
 *       checked like any stored entry and fills memory ({@code detail=shared}). Local coalescing
 *       comes first; its leader then takes the fleet lock: acquired, it goes to the origin and
 *       releases the lock after the background shared write; busy, it polls the shared tier for
 *       up to {@link #FLEET_WAIT}, then serves stale if a stale window allows, else goes to the
 *       origin; unavailable (Redis down), it goes to the origin at once. Requests with
 *       Authorization, rules with scope PerUser, and responses with Vary never use the shared
 *       tier: their keys carry only identity hashes, but a personal response has no business in
 *       a store every replica (and every Redis operator) reads, and a Vary'd entry's variant cannot
 *       be found without knowing the Vary first.
 *   <li>Purges from the broker apply to the shared tier first, then memory, so a lookup between
 *       the two cannot refill memory with a purged entry; a shared read that overlaps any purge is
 *       not put in memory ({@code purgeEpoch}).
 * </ul>
 */
public final class DefaultCacheEngine implements CacheEngine, CacheAdmin, AutoCloseable {
  static final Duration HIT_FOR_MISS = Duration.ofSeconds(30);
  static final Duration DEFAULT_COALESCE_WAIT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(DefaultCacheEngine.class);
  private static final byte[] EMPTY = new byte[0];
  private static final HeaderList NO_OVERRIDES = HeaderList.EMPTY;
  private static final String[] CLIENT_CONDITIONALS = {"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"};
  /** RFC 9111 3.2: fields a 304 never updates in the stored response. */
  private static final Set<String> NOT_UPDATED_BY_304 = Set.of("content-length", "content-encoding", "content-range", "transfer-encoding", "set-cookie");
  private static final Set<String> NOT_MODIFIED_FIELDS = Set.of("cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified");
  private static final Set<String> NOT_STORED = Set.of("cache-status", "connection", "keep-alive",
      "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "set-cookie");
  private static final int MAX_TAGS = 256;
  private static final long ORIGIN_WARN_INTERVAL_MILLIS = 10_000;
  private static final int MAX_TAG_LENGTH = 1024;
  /** How long a request waits for another replica that holds the fleet lock of its key. */
  static final Duration FLEET_WAIT = Duration.ofSeconds(2);

  private final Clock clock;
  private final MemoryTier memory;
  private final EngineMetrics metrics;
  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
  private final Cache<String, Boolean> hitForMiss;
  private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
  private final Duration coalesceWait;
  private final AtomicLong lastOriginWarnMillis = new AtomicLong(Long.MIN_VALUE / 2);
  private volatile Plan plan;
  private volatile Consumer<Purge> purgeListener = p -> { };
  private volatile SharedTier fleet;
  private final AtomicLong purgeEpoch = new AtomicLong();
  private final MeterRegistry registry;

  public DefaultCacheEngine(CompiledConfig config, Clock clock, MeterRegistry registry) {
    this(config, clock, registry, DEFAULT_COALESCE_WAIT);
  }

  /** @param coalesceWait how long a request waits for another request to the same key (the origin timeout) */
  public DefaultCacheEngine(CompiledConfig config, Clock clock, MeterRegistry registry, Duration coalesceWait) {
    this.clock = clock;
    this.coalesceWait = coalesceWait;
    this.registry = registry;
    this.memory = new MemoryTier(config.memory().maxSizeBytes(), clock);
    this.metrics = new EngineMetrics(registry, config.policy().toString(), memory);
    this.hitForMiss = Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterWrite(HIT_FOR_MISS)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .build();
    this.plan = new Plan(config, metrics);
  }

  /**
   * Called for every purge the engine originates itself (unsafe requests passing through), after
   * it applied it locally: the broker publishes these fleet-wide.
   */
  public void setPurgeListener(Consumer<Purge> listener) {
    this.purgeListener = listener == null ? p -> { } : listener;
  }

  /**
   * Connects the engine to its fleet: {@code store} is the shared tier (null when the policy's
   * shared tier is off), {@code publisher} publishes purges on the broker. Replaces any earlier one.
   */
  public void attachFleet(SharedStore store, Function<Purge, Optional<String>> publisher) {
    this.fleet = new SharedTier(store, publisher, background, registry, plan.config.policy().toString());
  }

  /** Back to a replica on its own: no shared tier, nothing published. */
  public void detachFleet() {
    this.fleet = null;
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
    Ctx c = prepare(request);
    if (c.bypassReason != null || c.unsafe) {
      return Optional.empty();
    }
    StoredResponse e = lookup(c);
    if (e == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    if (!usableFresh(c, e, now)) {
      return Optional.empty();
    }
    c.rp.hits().increment();
    return Optional.of(serve(c, e, now, CacheStatus.hit(e.ttlMillis(now), "memory", c.rp.ruleParam())));
  }

  @Override
  public CacheResponse handle(CacheRequest request, Origin origin) {
    Ctx c = prepare(request);
    if (c.unsafe) {
      return forwardUnsafe(c, origin);
    }
    if (c.bypassReason != null) {
      return forwardBypass(c, origin);
    }
    for (int attempt = 0; ; attempt++) {
      StoredResponse e = lookup(c);
      long now = clock.millis();
      if (e != null && usableFresh(c, e, now)) {
        c.rp.hits().increment();
        return serve(c, e, now, CacheStatus.hit(e.ttlMillis(now), "memory", c.rp.ruleParam()));
      }
      if (e != null && staleWhileRevalidate(c, e, now)) {
        refreshInBackground(c, e, origin);
        metrics.count(c.rp.name(), "stale", null, "memory");
        return serve(c, e, now, CacheStatus.hit(e.ttlMillis(now), "stale-while-revalidate", c.rp.ruleParam()));
      }
      if (c.requestCc.onlyIfCached()) {
        metrics.count(c.rp.name(), "miss", "only-if-cached", "none");
        return error(c, 504, CacheStatus.notForwarded("only-if-cached", c.rp.ruleParam()));
      }
      if (attempt >= 2 || hitForMiss.getIfPresent(c.fullKey) != null) {
        return fetch(c, e, origin, null);
      }
      Flight mine = new Flight();
      Flight running = flights.putIfAbsent(c.fullKey, mine);
      if (running == null) {
        try {
          return fetchThroughFleet(c, e, origin, mine);
        } finally {
          flights.remove(c.fullKey, mine);
          mine.complete(Flight.UNCACHEABLE);
        }
      }
      metrics.coalescedWaiter();
      Flight.Outcome outcome = running.await(coalesceWait);
      switch (outcome) {
        case null -> {
          return fetch(c, e, origin, null);
        }
        case Flight.Outcome.Stored(StoredResponse stored) -> {
          if (KeyFactory.variant(stored.varyNames(), c.request.headers()).equals(variantOf(stored))) {
            long t = clock.millis();
            c.rp.hits().increment();
            return serve(c, stored, t, CacheStatus.hit(stored.ttlMillis(t), "memory coalesced", c.rp.ruleParam()));
          }
          // Another variant was stored: look again, now knowing the origin's Vary.
        }
        case Flight.Outcome.Uncacheable _ -> {
          return fetch(c, e, origin, null);
        }
        case Flight.Outcome.Failed(int status, String detail) -> {
          long t = clock.millis();
          if (e != null && staleIfError(e, t)) {
            metrics.count(c.rp.name(), "stale", null, "memory");
            return serve(c, e, t, CacheStatus.forwarded("stale", status, false, true, e.ttlMillis(t), "stale-if-error", c.rp.ruleParam()));
          }
          metrics.count(c.rp.name(), "error", detail, "none");
          return error(c, status >= 500 ? status : 502, CacheStatus.forwarded(c.missKind, 0, false, false, 0, detail, c.rp.ruleParam()));
        }
      }
    }
  }

  // ---------------------------------------------------------------- admission and keys

  /** Per-request state: the rule, the key and the parsed request directives. */
  private static final class Ctx {
    CacheRequest request;
    RulePlan rp;
    Plan plan;
    boolean unsafe;
    boolean head;
    String bypassReason;
    boolean authorization;
    CacheControl requestCc;
    String primary;
    String fullKey;
    String missKind = "uri-miss";
    boolean background;
    /** The fleet lock this request holds, handed to the shared write that releases it. */
    LockAttempt.Acquired lock;
    /** {@code purgeEpoch} before the last shared read: a fill is kept only if no purge ran since. */
    long sharedEpoch;
  }

  private Ctx prepare(CacheRequest request) {
    Plan p = plan;
    Ctx c = new Ctx();
    c.request = request;
    c.plan = p;
    c.rp = p.ruleFor(request.method(), request.path());
    String method = request.method();
    c.head = method.equals("HEAD");
    if (!c.head && !method.equals("GET")) {
      c.unsafe = !method.equals("OPTIONS") && !method.equals("TRACE");
      c.bypassReason = "method";
      return c;
    }
    if (!c.rp.rule().cache()) {
      c.bypassReason = "rule";
      return c;
    }
    List<String> cc = request.headers().all("Cache-Control");
    c.requestCc = cc.isEmpty() && request.headers().first("Pragma").map(v -> v.contains("no-cache")).orElse(false)
        ? CacheControl.parse("no-cache") : CacheControl.parse(cc);
    RequestKey key = c.rp.keys().keyFor(request);
    c.authorization = key.authorization();
    if (key.bypassed()) {
      c.bypassReason = key.bypassReason();
      return c;
    }
    c.primary = key.primary();
    return c;
  }

  private StoredResponse lookup(Ctx c) {
    List<String> vary = memory.varyNames(c.primary);
    if (vary.isEmpty()) {
      c.fullKey = c.primary;
      c.missKind = "uri-miss";
    } else {
      c.fullKey = c.primary + KeyFactory.variant(vary, c.request.headers());
      c.missKind = "vary-miss";
    }
    StoredResponse e = memory.get(c.fullKey);
    if (e != null && !e.varyNames().equals(vary)) {
      return null;
    }
    return e;
  }

  private static String variantOf(StoredResponse e) {
    return e.key().substring(e.primaryKey().length());
  }

  // ---------------------------------------------------------------- freshness decisions

  /** Whether the entry may be served now without contacting the origin (RFC 9111 4.2, 5.2.1). */
  private static boolean usableFresh(Ctx c, StoredResponse e, long now) {
    if (e.noCache() || e.softPurged() || c.requestCc.noCache()) {
      return false;
    }
    long age = e.ageMillis(now);
    long ttl = e.freshnessMillis() - age;
    CacheControl rc = c.requestCc;
    if (rc.maxAge() >= 0 && age > rc.maxAge() * 1000) {
      return false;
    }
    if (rc.minFresh() >= 0 && ttl < rc.minFresh() * 1000) {
      return false;
    }
    if (ttl > 0) {
      return true;
    }
    return rc.maxStale() >= 0 && !e.mustRevalidate() && -ttl <= rc.maxStale() * 1000;
  }

  private static boolean staleWhileRevalidate(Ctx c, StoredResponse e, long now) {
    CacheControl rc = c.requestCc;
    if (e.noCache() || rc.noCache() || (rc.maxAge() >= 0 && e.ageMillis(now) > rc.maxAge() * 1000)) {
      return false;
    }
    long staleness = -e.ttlMillis(now);
    return staleness > 0 && staleness <= e.staleWhileRevalidateMillis();
  }

  /** The windows are zero unless stale use is permitted (see Storability), so they alone decide. */
  private static boolean staleIfError(StoredResponse e, long now) {
    long staleness = -e.ttlMillis(now);
    return staleness <= e.staleIfErrorMillis();
  }

  // ---------------------------------------------------------------- origin

  private void refreshInBackground(Ctx c, StoredResponse e, Origin origin) {
    Flight mine = new Flight();
    if (flights.putIfAbsent(c.fullKey, mine) != null) {
      return;
    }
    Ctx bg = copyForBackground(c);
    Runnable task = () -> {
      try {
        CacheResponse r = fetchThroughFleet(bg, e, origin, mine);
        if (r.stream() != null) {
          r.stream().close();
        }
      } catch (IOException | RuntimeException ex) {
        originFailure("background_refresh_failed", bg.request, 0, ex);
      } finally {
        flights.remove(bg.fullKey, mine);
        mine.complete(Flight.UNCACHEABLE);
      }
    };
    try {
      background.execute(task);
    } catch (RejectedExecutionException closed) {
      flights.remove(c.fullKey, mine);
      mine.complete(Flight.UNCACHEABLE);
    }
  }

  private static Ctx copyForBackground(Ctx c) {
    Ctx bg = new Ctx();
    bg.request = c.request;
    bg.rp = c.rp;
    bg.plan = c.plan;
    bg.head = c.head;
    bg.authorization = c.authorization;
    bg.requestCc = CacheControl.NONE;
    bg.primary = c.primary;
    bg.fullKey = c.fullKey;
    bg.missKind = c.missKind;
    bg.background = true;
    return bg;
  }

  // ---------------------------------------------------------------- shared tier

  /** Whether the request may read and write the shared tier at all (see the class comment). */
  private boolean sharedEligible(Ctx c, SharedTier tier) {
    return tier != null && tier.storeEnabled() && !c.authorization && !c.rp.perUser() && c.fullKey.equals(c.primary);
  }

  /**
   * The leader's way to the origin when there is a fleet: the shared tier, then the fleet lock,
   * then the origin (see the class comment). Without a shared tier, straight to {@link #fetch}.
   */
  private CacheResponse fetchThroughFleet(Ctx c, StoredResponse e, Origin origin, Flight flight) {
    SharedTier tier = fleet;
    if (!sharedEligible(c, tier)) {
      return fetch(c, e, origin, flight);
    }
    StoredResponse candidate = e;
    StoredResponse s = sharedLookup(c, tier);
    if (s != null) {
      CacheResponse hit = serveShared(c, s, flight);
      if (hit != null) {
        return hit;
      }
      if (candidate == null || s.responseTimeMillis() > candidate.responseTimeMillis()) {
        candidate = s;
      }
    }
    switch (tier.tryLock(c.fullKey, coalesceWait.toMillis())) {
      case LockAttempt.Acquired acquired -> {
        c.lock = acquired;
        try {
          return fetch(c, candidate, origin, flight);
        } finally {
          tier.release(c.lock);
          c.lock = null;
        }
      }
      case LockAttempt.Busy _ -> {
        CacheResponse waited = awaitOtherReplica(c, tier, candidate, candidate == e ? "memory" : "shared", flight);
        return waited != null ? waited : fetch(c, candidate, origin, flight);
      }
      case LockAttempt.Unavailable _ -> {
        return fetch(c, candidate, origin, flight);
      }
    }
  }

  /**
   * Another replica regenerates the entry: polls the shared tier (bounded by {@link #FLEET_WAIT},
   * backing off), then serves {@code stale} if a stale window allows. Null: go to the origin.
   */
  private CacheResponse awaitOtherReplica(Ctx c, SharedTier tier, StoredResponse stale, String staleTier, Flight flight) {
    long deadline = System.nanoTime() + FLEET_WAIT.toNanos();
    long pauseMillis = 10;
    try {
      for (long left = FLEET_WAIT.toMillis(); left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
        Thread.sleep(Math.min(pauseMillis, left));
        pauseMillis = Math.min(pauseMillis * 2, 200);
        StoredResponse s = sharedLookup(c, tier);
        CacheResponse hit = s == null ? null : serveShared(c, s, flight);
        if (hit != null) {
          return hit;
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return null;
    }
    long now = clock.millis();
    if (stale != null && (staleWhileRevalidate(c, stale, now) || staleIfError(stale, now))) {
      count(c, "stale", "fleet-busy", staleTier);
      return serve(c, stale, now, CacheStatus.hit(stale.ttlMillis(now), "fleet-busy", c.rp.ruleParam()));
    }
    return null;
  }

  /** The shared entry for the request, or null; one that overlapped a purge is discarded. */
  private StoredResponse sharedLookup(Ctx c, SharedTier tier) {
    c.sharedEpoch = purgeEpoch.get();
    StoredResponse s = tier.get(c.fullKey);
    return s != null && purgeEpoch.get() == c.sharedEpoch ? s : null;
  }

  /** Serves a fresh shared entry and fills memory with it; null when it is not usable as fresh, or a purge overlapped. */
  private CacheResponse serveShared(Ctx c, StoredResponse s, Flight flight) {
    long now = clock.millis();
    if (!usableFresh(c, s, now)) {
      return null;
    }
    memory.put(s);
    if (purgeEpoch.get() != c.sharedEpoch) {
      // A purge ran while we filled: it may have missed this entry, so drop it and miss.
      memory.remove(s.key());
      return null;
    }
    hitForMiss.invalidate(c.fullKey);
    complete(flight, new Flight.Outcome.Stored(s));
    count(c, "hit", null, "shared");
    return serve(c, s, now, CacheStatus.hit(s.ttlMillis(now), "shared", c.rp.ruleParam()));
  }

  /** Memory now; the shared tier in the background (releasing the fleet lock after the write). */
  private void store(Ctx c, StoredResponse entry, long now) {
    memory.put(entry);
    SharedTier tier = fleet;
    if (sharedEligible(c, tier) && entry.varyNames().isEmpty()) {
      tier.write(entry, now, c.lock);
      c.lock = null;
    }
  }

  /**
   * Goes to the origin for a cacheable request (as the flight's leader when {@code flight} is not
   * null), stores what may be stored and answers the client. Revalidates {@code stale} when it
   * has validators.
   */
  private CacheResponse fetch(Ctx c, StoredResponse stale, Origin origin, Flight flight) {
    long now = clock.millis();
    String fwd = stale == null ? c.missKind : (usableWithoutRequestDirectives(stale, now) ? "request" : "stale");
    boolean conditional = stale != null && stale.hasValidators();
    HeaderList overrides = originOverrides(c.request.headers(), conditional ? stale : null);
    CacheRequest upstream = c.head
        ? new CacheRequest("GET", c.request.scheme(), c.request.host(), c.request.path(), c.request.rawQuery(),
            c.request.headers(), c.request.loopback())
        : c.request;
    OriginResponse r;
    try {
      r = origin.send(upstream, overrides);
    } catch (IOException ex) {
      int status = timeout(ex) ? 504 : 502;
      String detail = status == 504 ? "origin-timeout" : "origin-unreachable";
      originFailure("origin_failed", c.request, status, ex);
      complete(flight, new Flight.Outcome.Failed(status, detail));
      return originFailed(c, stale, fwd, status, detail);
    }
    now = clock.millis();
    if (r.status() == 304 && conditional) {
      r.close();
      return revalidated(c, stale, r, fwd, flight, now);
    }
    if (r.status() >= 500 && stale != null && staleIfError(stale, now)) {
      r.close();
      complete(flight, new Flight.Outcome.Failed(r.status(), "origin-error"));
      count(c, "stale", null, "memory");
      return serve(c, stale, now, CacheStatus.forwarded("stale", r.status(), false, true, stale.ttlMillis(now), "stale-if-error", c.rp.ruleParam()));
    }
    CacheControl cc = CacheControl.parse(r.headers().all("Cache-Control"));
    StoreDecision d = Storability.decide(c.rp.rule(), c.requestCc, c.authorization, c.rp.perUser(), c.request.path(),
        r.status(), r.headers(), cc, r.contentLength(), c.plan.config.memory().maxObjectSizeBytes(), r.responseTimeMillis());
    if (!d.storable()) {
      if (stale != null && !d.transientReason()) {
        // The origin now says this may not be stored: the old copy must not be served stale either.
        memory.remove(stale.key());
      }
      return notStored(c, r, fwd, d, flight);
    }
    long max = c.plan.config.memory().maxObjectSizeBytes();
    byte[] body;
    try {
      body = r.body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    } catch (IOException ex) {
      r.close();
      complete(flight, new Flight.Outcome.Failed(502, "origin-body"));
      originFailure("origin_body_failed", c.request, 502, ex);
      return originFailed(c, stale, fwd, 502, "origin-body");
    }
    if (body.length > max) {
      hitForMiss.put(c.fullKey, Boolean.TRUE);
      complete(flight, Flight.UNCACHEABLE);
      count(c, "miss", "too-large", "none");
      String status = CacheStatus.forwarded(fwd, r.status(), false, false, 0, "too-large", c.rp.ruleParam());
      if (c.head) {
        r.close();
        return new CacheResponse(r.status(), clientHeaders(c, r.headers(), status, -1, false), EMPTY, null, null);
      }
      return new CacheResponse(r.status(), clientHeaders(c, r.headers(), status, -1, false), null, body, r.body());
    }
    r.close();
    StoredResponse entry = entry(c, r.status(), r.headers(), body, r.requestTimeMillis(), r.responseTimeMillis(), d);
    store(c, entry, now);
    hitForMiss.invalidate(c.fullKey);
    complete(flight, new Flight.Outcome.Stored(entry));
    count(c, "miss", null, "none");
    return respond(c, entry, now, CacheStatus.forwarded(fwd, r.status(), true, true, entry.ttlMillis(now), null, c.rp.ruleParam()), false);
  }

  private static boolean usableWithoutRequestDirectives(StoredResponse e, long now) {
    return !e.noCache() && !e.softPurged() && e.ttlMillis(now) > 0;
  }

  /** A 304 answered our validators: RFC 9111 4.3.4, the stored headers are updated and the stored body served. */
  private CacheResponse revalidated(Ctx c, StoredResponse stale, OriginResponse r, String fwd, Flight flight, long now) {
    List<Header> merged = new ArrayList<>(stale.headers().fields().size() + r.headers().fields().size());
    Set<String> replaced = new LinkedHashSet<>();
    for (Header h : r.headers().fields()) {
      String n = h.name().toLowerCase(Locale.ROOT);
      if (!NOT_UPDATED_BY_304.contains(n)) {
        replaced.add(n);
      }
    }
    for (Header h : stale.headers().fields()) {
      if (!replaced.contains(h.name().toLowerCase(Locale.ROOT))) {
        merged.add(h);
      }
    }
    for (Header h : r.headers().fields()) {
      if (replaced.contains(h.name().toLowerCase(Locale.ROOT))) {
        merged.add(h);
      }
    }
    HeaderList headers = new HeaderList(merged);
    CacheControl cc = CacheControl.parse(headers.all("Cache-Control"));
    StoreDecision d = r.headers().contains("Set-Cookie") ? StoreDecision.no("set-cookie")
        : Storability.decide(c.rp.rule(), c.requestCc, c.authorization, c.rp.perUser(), c.request.path(),
            stale.status(), headers, cc, stale.body().length, c.plan.config.memory().maxObjectSizeBytes(), r.responseTimeMillis());
    if (!d.storable()) {
      if (!d.transientReason()) {
        memory.remove(stale.key());
      }
      complete(flight, Flight.UNCACHEABLE);
      count(c, "revalidated", d.reason(), "memory");
      HeaderList client = r.headers().contains("Set-Cookie") ? headers.with("Set-Cookie", r.headers().first("Set-Cookie").orElseThrow()) : headers;
      String status = CacheStatus.forwarded(fwd, 304, false, false, 0, d.reason(), c.rp.ruleParam());
      return new CacheResponse(stale.status(), clientHeaders(c, client, status, -1, false), c.head ? EMPTY : stale.body(), null, null);
    }
    StoredResponse entry = entry(c, stale.status(), headers, stale.body(), r.requestTimeMillis(), r.responseTimeMillis(), d);
    store(c, entry, now);
    complete(flight, new Flight.Outcome.Stored(entry));
    count(c, "revalidated", null, "memory");
    return serve(c, entry, now, CacheStatus.forwarded(fwd, 304, true, true, entry.ttlMillis(now), "memory", c.rp.ruleParam()));
  }

  private CacheResponse notStored(Ctx c, OriginResponse r, String fwd, StoreDecision d, Flight flight) {
    if (!d.transientReason()) {
      hitForMiss.put(c.fullKey, Boolean.TRUE);
    }
    complete(flight, Flight.UNCACHEABLE);
    count(c, r.status() >= 500 ? "error" : "miss", d.reason(), "none");
    String status = CacheStatus.forwarded(fwd, r.status(), false, false, 0, d.reason(), c.rp.ruleParam());
    HeaderList headers = clientHeaders(c, r.headers(), status, -1, false);
    if (c.head) {
      // The client asked HEAD and we fetched GET to fill the cache: it gets no body.
      r.close();
      return new CacheResponse(r.status(), headers, EMPTY, null, null);
    }
    return new CacheResponse(r.status(), headers, null, null, r.body());
  }

  private CacheResponse originFailed(Ctx c, StoredResponse stale, String fwd, int status, String detail) {
    long now = clock.millis();
    if (stale != null && staleIfError(stale, now)) {
      count(c, "stale", null, "memory");
      return serve(c, stale, now, CacheStatus.forwarded("stale", 0, false, true, stale.ttlMillis(now), "stale-if-error", c.rp.ruleParam()));
    }
    count(c, "error", detail, "none");
    return error(c, status, CacheStatus.forwarded(fwd, 0, false, false, 0, detail, c.rp.ruleParam()));
  }

  private CacheResponse forwardBypass(Ctx c, Origin origin) {
    String fwd = c.unsafe || "method".equals(c.bypassReason) ? "method" : "bypass";
    metrics.count(c.rp.name(), "bypass", c.bypassReason, "none");
    OriginResponse r;
    try {
      r = origin.send(c.request, NO_OVERRIDES);
    } catch (IOException ex) {
      int status = timeout(ex) ? 504 : 502;
      String detail = status == 504 ? "origin-timeout" : "origin-unreachable";
      originFailure("origin_failed", c.request, status, ex);
      return error(c, status, CacheStatus.forwarded(fwd, 0, false, false, 0, detail, c.rp.ruleParam()));
    }
    String status = CacheStatus.forwarded(fwd, r.status(), false, false, 0, c.bypassReason, c.rp.ruleParam());
    return new CacheResponse(r.status(), clientHeaders(c, r.headers(), status, -1, false), null, null, r.body());
  }

  /** RFC 9111 4.4: a non-error response to an unsafe request invalidates its URI and same-origin Location/Content-Location. */
  private CacheResponse forwardUnsafe(Ctx c, Origin origin) {
    CacheResponse response = forwardBypass(c, origin);
    int status = response.status();
    if (status >= 200 && status < 400 && c.plan.config.invalidation().purgeOnUnsafe()) {
      Set<String> paths = new LinkedHashSet<>();
      paths.add(c.request.path());
      for (String field : List.of("Location", "Content-Location")) {
        response.headers().first(field).map(v -> sameOriginPath(c.request, v)).ifPresent(paths::add);
      }
      Purge purge = new Purge(Purge.Kind.PATH, List.copyOf(paths), false);
      SharedTier tier = fleet;
      if (tier != null) {
        // Before memory, and before the response: the client's next GET must not find the old copy in Redis.
        tier.purge(purge);
      }
      long n = apply(purge);
      if (tier != null) {
        tier.publish(purge);
      }
      LOG.debug("event=unsafe_purge method={} paths={} entries={}", c.request.method(), paths, n);
      try {
        purgeListener.accept(purge);
      } catch (RuntimeException ex) {
        LOG.warn("event=purge_listener_failed error={}", ex.toString());
      }
    }
    return response;
  }

  /** The path of a URI reference when it resolves to the request's own origin; null otherwise. */
  static String sameOriginPath(CacheRequest request, String reference) {
    try {
      URI base = new URI(request.scheme(), request.host(), request.path(), null);
      URI target = base.resolve(new URI(reference.trim()));
      if (target.getScheme() == null || !target.getScheme().equalsIgnoreCase(request.scheme())) {
        return null;
      }
      String authority = target.getRawAuthority();
      if (authority == null || !stripDefaultPort(authority.toLowerCase(Locale.ROOT), target.getScheme())
          .equals(stripDefaultPort(request.host().toLowerCase(Locale.ROOT), request.scheme()))) {
        return null;
      }
      String path = target.getPath();
      return path == null || path.isEmpty() ? "/" : path;
    } catch (java.net.URISyntaxException | IllegalArgumentException ex) {
      return null;
    }
  }

  private static String stripDefaultPort(String authority, String scheme) {
    String def = scheme.equalsIgnoreCase("https") ? ":443" : ":80";
    return authority.endsWith(def) ? authority.substring(0, authority.length() - def.length()) : authority;
  }

  /**
   * An origin failure is expected when the app is down: one WARN line per 10 s, the rest at DEBUG
   * (the requests metric counts them all). Paths only, never query strings, which may hold tokens.
   */
  private void originFailure(String event, CacheRequest request, int status, Exception ex) {
    long now = clock.millis();
    long last = lastOriginWarnMillis.get();
    if (now - last >= ORIGIN_WARN_INTERVAL_MILLIS && lastOriginWarnMillis.compareAndSet(last, now)) {
      LOG.warn("event={} path={} status={} error={}", event, request.path(), status, ex.toString());
    } else {
      LOG.debug("event={} path={} status={} error={}", event, request.path(), status, ex.toString());
    }
  }

  private static boolean timeout(IOException ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof java.util.concurrent.TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Replaces the client's conditional and Range fields: with our validators when revalidating an
   * entry, else with empty values (removal), so the origin answers with a complete response.
   */
  private static HeaderList originOverrides(HeaderList client, StoredResponse revalidate) {
    List<Header> out = new ArrayList<>(4);
    String etag = revalidate == null ? null : revalidate.headers().first("ETag").orElse(null);
    String lastModified = revalidate == null ? null : revalidate.headers().first("Last-Modified").orElse(null);
    if (etag != null) {
      out.add(new Header("If-None-Match", etag));
    }
    if (lastModified != null) {
      out.add(new Header("If-Modified-Since", lastModified));
    }
    for (String name : CLIENT_CONDITIONALS) {
      boolean set = (etag != null && name.equals("If-None-Match")) || (lastModified != null && name.equals("If-Modified-Since"));
      if (!set && client.contains(name)) {
        out.add(new Header(name, ""));
      }
    }
    return out.isEmpty() ? NO_OVERRIDES : new HeaderList(out);
  }

  // ---------------------------------------------------------------- storing

  private StoredResponse entry(Ctx c, int status, HeaderList originHeaders, byte[] body, long requestTime,
      long responseTime, StoreDecision d) {
    List<String> vary = varyNames(originHeaders);
    String key = c.primary + KeyFactory.variant(vary, c.request.headers());
    long lifetime = Freshness.jitter(d.freshnessMillis(), key);
    return new StoredResponse(key, c.primary, c.request.path(), c.rp.name(), status, storedHeaders(originHeaders),
        body, requestTime, responseTime, Freshness.correctedInitialAge(originHeaders, requestTime, responseTime),
        lifetime, d.staleWhileRevalidateMillis(), d.staleIfErrorMillis(), d.mustRevalidate(), d.noCache(),
        tags(c, originHeaders), vary, 0);
  }

  /**
   * What is kept of the origin's fields: not our own per-response fields, not connection-specific
   * ones (RFC 9111 3.1), which the HTTP layer normally removed already.
   */
  private static HeaderList storedHeaders(HeaderList origin) {
    List<Header> kept = new ArrayList<>(origin.fields().size());
    for (Header h : origin.fields()) {
      if (!NOT_STORED.contains(h.name().toLowerCase(Locale.ROOT))) {
        kept.add(h);
      }
    }
    return kept.size() == origin.fields().size() ? origin : new HeaderList(kept);
  }

  private static List<String> varyNames(HeaderList headers) {
    List<String> fields = headers.all("Vary");
    if (fields.isEmpty()) {
      return List.of();
    }
    Set<String> names = new java.util.TreeSet<>();
    for (String f : fields) {
      for (String part : f.split(",")) {
        String n = part.trim().toLowerCase(Locale.ROOT);
        if (!n.isEmpty()) {
          names.add(n);
        }
      }
    }
    return List.copyOf(names);
  }

  /** Tags from the configured response header plus the rule's templates, bounded. */
  private List<String> tags(Ctx c, HeaderList headers) {
    Set<String> tags = new LinkedHashSet<>();
    for (String field : headers.all(c.plan.config.invalidation().tagHeader())) {
      int i = 0;
      int n = field.length();
      while (i < n) {
        while (i < n && Character.isWhitespace(field.charAt(i))) {
          i++;
        }
        int start = i;
        while (i < n && !Character.isWhitespace(field.charAt(i))) {
          i++;
        }
        if (i > start && i - start <= MAX_TAG_LENGTH && tags.size() < MAX_TAGS) {
          tags.add(field.substring(start, i));
        }
      }
    }
    if (!c.rp.tags().isEmpty()) {
      Map<String, String> params = c.rp.rule().pathParams(c.request.path());
      for (TagTemplate t : c.rp.tags()) {
        String tag = t.expand(params);
        if (tag != null && tags.size() < MAX_TAGS) {
          tags.add(tag);
        }
      }
    }
    return List.copyOf(tags);
  }

  // ---------------------------------------------------------------- responses

  /** Answers the client from an entry whose body came from the cache (hit, stale, revalidated). */
  private CacheResponse serve(Ctx c, StoredResponse e, long now, String cacheStatus) {
    return respond(c, e, now, cacheStatus, true);
  }

  /** Answers the client from an entry: 304 for a satisfied conditional, no body for HEAD. */
  private CacheResponse respond(Ctx c, StoredResponse e, long now, String cacheStatus, boolean fromCache) {
    long ageSeconds = e.ageMillis(now) / 1000;
    if (e.status() / 100 == 2 && Conditionals.notModified(c.request.headers(), e.headers())) {
      List<Header> fields = new ArrayList<>();
      for (Header h : e.headers().fields()) {
        if (NOT_MODIFIED_FIELDS.contains(h.name().toLowerCase(Locale.ROOT))) {
          fields.add(h);
        }
      }
      return new CacheResponse(304, clientHeaders(c, new HeaderList(fields), cacheStatus, ageSeconds, true), EMPTY, null, null);
    }
    byte[] body = c.head ? EMPTY : e.body();
    if (!c.background && fromCache) {
      metrics.served(body.length);
    }
    return new CacheResponse(e.status(), clientHeaders(c, e.headers(), cacheStatus, ageSeconds, true), body, null, null);
  }

  private CacheResponse error(Ctx c, int status, String cacheStatus) {
    String text = switch (status) {
      case 502 -> "Bad Gateway\n";
      case 504 -> "Gateway Timeout\n";
      default -> "Origin error " + status + "\n";
    };
    byte[] body = text.getBytes(StandardCharsets.US_ASCII);
    HeaderList headers = clientHeaders(c, HeaderList.of("Content-Type", "text/plain; charset=us-ascii",
        "Cache-Control", "no-store"), cacheStatus, -1, false);
    return new CacheResponse(status, headers, c.head ? EMPTY : body, null, null);
  }

  /**
   * What the client receives: the tag header removed unless exposed, Age and Cache-Status set,
   * Cache-Control rewritten for cached responses when the rule says, the key for loopback debug.
   */
  private HeaderList clientHeaders(Ctx c, HeaderList origin, String cacheStatus, long ageSeconds, boolean cached) {
    String tagHeader = c.plan.config.invalidation().exposeTags() ? null : c.plan.config.invalidation().tagHeader();
    String clientCc = cached ? c.rp.rule().clientCacheControl() : null;
    List<Header> out = new ArrayList<>(origin.fields().size() + 3);
    String upstreamStatus = null;
    for (Header h : origin.fields()) {
      String n = h.name();
      if (n.equalsIgnoreCase(CacheStatus.HEADER)) {
        // RFC 9211: entries are ordered from the origin outwards, so ours goes last.
        upstreamStatus = upstreamStatus == null ? h.value() : upstreamStatus + ", " + h.value();
        continue;
      }
      if ((ageSeconds >= 0 && n.equalsIgnoreCase("Age")) || n.equalsIgnoreCase("Cache-Key")
          || (tagHeader != null && n.equalsIgnoreCase(tagHeader))
          || (clientCc != null && n.equalsIgnoreCase("Cache-Control"))) {
        continue;
      }
      out.add(h);
    }
    if (clientCc != null) {
      out.add(new Header("Cache-Control", clientCc));
    }
    if (ageSeconds >= 0) {
      out.add(new Header("Age", Long.toString(ageSeconds)));
    }
    out.add(new Header(CacheStatus.HEADER, upstreamStatus == null ? cacheStatus : upstreamStatus + ", " + cacheStatus));
    if (c.request.loopback() && c.fullKey != null
        && c.request.headers().first("Cache-Debug").map(v -> v.trim().equals("1")).orElse(false)) {
      out.add(new Header("Cache-Key", c.fullKey));
    }
    return new HeaderList(out);
  }

  private void count(Ctx c, String result, String reason, String tier) {
    if (!c.background) {
      metrics.count(c.rp.name(), result, reason, tier);
    }
  }

  private static void complete(Flight flight, Flight.Outcome outcome) {
    if (flight != null) {
      flight.complete(outcome);
    }
  }

  // ---------------------------------------------------------------- CacheAdmin

  @Override
  public long purge(Purge purge) {
    long n = apply(purge);
    LOG.info("event=purge kind={} soft={} values={} entries={}", purge.kind(), purge.soft(), purge.values().size(), n);
    return n;
  }

  @Override
  public PurgeResult purgeEverywhere(Purge purge) {
    SharedTier tier = fleet;
    if (tier == null) {
      return PurgeResult.local(purge(purge));
    }
    long shared = tier.purge(purge);
    long n = apply(purge);
    String id = purge.kind() == Purge.Kind.KEY ? null : tier.publish(purge).orElse(null);
    LOG.info("event=purge kind={} soft={} values={} entries={} shared_entries={} event_id={}", purge.kind(),
        purge.soft(), purge.values().size(), n, shared, id);
    return new PurgeResult(n, shared, id, true);
  }

  /**
   * Applies a purge that came from the broker (any replica's, or an application's XADD): shared
   * tier first, then memory (see the class comment). Idempotent: every replica applies every event.
   */
  public void applyFleetPurge(Purge purge) {
    SharedTier tier = fleet;
    if (tier != null) {
      tier.purge(purge);
    }
    apply(purge);
  }

  /** The broker lost events this replica may have needed: nothing in memory can be proven fresh. */
  public void dropMemory() {
    purgeEpoch.incrementAndGet();
    memory.clear();
    hitForMiss.invalidateAll();
    LOG.warn("event=memory_tier_dropped policy={} reason=broker_gap", plan.config.policy());
  }

  private long apply(Purge purge) {
    purgeEpoch.incrementAndGet();
    long n = switch (purge.kind()) {
      case KEY -> memory.purgeKeys(purge.values(), purge.soft());
      case PATH -> memory.purgePaths(purge.values().stream().map(DefaultCacheEngine::pathOf).toList(), purge.soft());
      case PREFIX -> memory.purgePrefixes(purge.values().stream().map(DefaultCacheEngine::pathOf).toList(), purge.soft());
      case TAG -> memory.purgeTags(purge.values(), purge.soft());
      case ALL -> memory.purgeAll(purge.soft());
    };
    metrics.purged(purge.kind(), n);
    return n;
  }

  /** A purge path may be given as a path, a path with a query, or an absolute URL: the path is what counts. */
  static String pathOf(String value) {
    String v = value;
    int scheme = v.indexOf("://");
    if (scheme > 0 && scheme < 8) {
      int slash = v.indexOf('/', scheme + 3);
      v = slash < 0 ? "/" : v.substring(slash);
    }
    int q = v.indexOf('?');
    return q < 0 ? v : v.substring(0, q);
  }

  @Override
  public Optional<Map<String, Object>> inspect(CacheRequest request) {
    Ctx c = prepare(request);
    if (c.bypassReason != null) {
      return Optional.empty();
    }
    StoredResponse e = lookup(c);
    SharedTier tier = fleet;
    StoredResponse s = sharedEligible(c, tier) ? tier.get(c.fullKey) : null;
    if (e == null && s == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    Map<String, Object> view = describe(e != null ? e : s, now);
    view.put("tier", e != null ? "memory" : "shared");
    if (sharedEligible(c, tier)) {
      view.put("shared", s == null ? Map.of("cached", false) : describe(s, now));
    }
    return Optional.of(view);
  }

  private static Map<String, Object> describe(StoredResponse e, long now) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("key", e.key());
    view.put("rule", e.rule());
    view.put("status", e.status());
    view.put("age", e.ageMillis(now) / 1000);
    view.put("ttl", Math.floorDiv(e.ttlMillis(now), 1000));
    view.put("tags", e.tags());
    view.put("size", e.weight());
    view.put("stale", e.ttlMillis(now) <= 0);
    view.put("softPurged", e.softPurged());
    view.put("vary", e.varyNames());
    return view;
  }

  @Override
  public synchronized void reconfigure(CompiledConfig config) {
    CompiledConfig old = plan.config;
    plan = new Plan(config, metrics);
    if (old.keyVersion() != config.keyVersion() || !old.keyPrefix().equals(config.keyPrefix())) {
      // The new keys can never match the old entries: free their memory now.
      memory.clear();
      hitForMiss.invalidateAll();
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

  /** A config with its per-rule plans, swapped whole on reconfigure. */
  private static final class Plan {
    final CompiledConfig config;
    final Map<CompiledRule, RulePlan> rules = new IdentityHashMap<>();
    final RulePlan defaults;

    Plan(CompiledConfig config, EngineMetrics metrics) {
      this.config = config;
      for (CompiledRule r : config.rules()) {
        rules.put(r, RulePlan.of(config, r, metrics));
      }
      this.defaults = RulePlan.of(config, config.defaults(), metrics);
      rules.put(config.defaults(), defaults);
    }

    RulePlan ruleFor(String method, String path) {
      RulePlan p = rules.get(config.ruleFor(method, path));
      return p == null ? defaults : p;
    }
  }
}
