/**
 * The seam between the HTTP layer and the cache, and the cache engine behind it.
 *
 * <p>How the HTTP layer uses it: on the IO thread call
 * {@link io.cachemesh.sidecar.engine.CacheEngine#tryServeFromMemory}; when empty, dispatch to a
 * virtual thread and call {@link io.cachemesh.sidecar.engine.CacheEngine#handle} with an
 * {@link io.cachemesh.sidecar.engine.Origin}. Every response carries {@code Cache-Status}. The
 * origin is sometimes sent a GET for a client's HEAD (to fill the cache), and overrides with an
 * empty value mean "remove this field" (see {@link io.cachemesh.sidecar.engine.Origin#send}).
 * {@link io.cachemesh.sidecar.engine.DefaultCacheEngine#setPurgeListener} receives the purges the
 * engine originates (unsafe requests) so the broker can publish them fleet-wide.
 *
 * <p>Semantics chosen where the RFCs or the brief leave a choice, in one place:
 * <ul>
 *   <li>Identity: Authorization or a Cookie bypasses unless keyed (see
 *       {@link io.cachemesh.sidecar.key.KeyFactory}); with named cookies, any unnamed cookie
 *       present bypasses; scope PerUser keys on the whole identity. Values only as hashes.
 *   <li>Freshness: s-maxage, max-age, Expires; the rule's ttl is the heuristic lifetime, for
 *       heuristically cacheable statuses only (see {@link io.cachemesh.sidecar.semantics.Storability}).
 *       TTL jitter: 0..10% off each lifetime, deterministic per key.
 *   <li>Coalescing and hit-for-miss (30 s), soft purge, client Cache-Control rewriting: see
 *       {@link io.cachemesh.sidecar.engine.DefaultCacheEngine}.
 *   <li>Purge by PATH drops every query string, variant and host of that path; by KEY, every
 *       variant of a primary key (or one variant given its full key); PREFIX is over paths.
 *   <li>Cache-Status: {@code cachemesh; hit; ttl=42; detail=memory; rule="products"}, formats in
 *       {@link io.cachemesh.sidecar.semantics.CacheStatus}. A 5xx is forwarded as is; an origin
 *       that cannot be reached is 502, a timeout 504, unless stale-if-error applies.
 *   <li>Client preconditions on GET/HEAD are evaluated against the stored 2xx entry in the order of
 *       RFC 9110 13.2.2 (If-Match, else If-Unmodified-Since; then If-None-Match, else
 *       If-Modified-Since): 412 when If-Match or If-Unmodified-Since fails, 304 when the client's
 *       copy is current. On a miss they are removed upstream and evaluated against what is stored.
 *   <li>Range, as Varnish does: a fetch that may fill the cache never forwards the client's Range or
 *       If-Range (the origin sends the whole response, which is stored); the range is then cut from
 *       the stored 200, on the miss as on every later hit: one byte range ({@code bytes=a-b},
 *       {@code a-}, {@code -n}) is 206 with Content-Range, one past the end 416 with
 *       {@code bytes *}/length; several ranges, a malformed Range, a failed If-Range (strong ETag or
 *       exact Last-Modified) or a stored status other than 200 get the whole response (RFC 9110
 *       14.2 lets a server ignore Range), see {@link io.cachemesh.sidecar.semantics.ByteRanges}.
 *       HEAD ignores Range (RFC 9110 14.2 defines it for GET only; nginx answers HEAD with a
 *       206, we follow the RFC). A 206 from the origin is never stored. Responses not stored
 *       (uncacheable, over {@code maxObjectSize}, hit-for-miss) reach the client whole; bypassed
 *       requests forward Range untouched.
 *   <li>Entries are dropped (not just stale) once neither fresh, nor within a stale window, nor
 *       worth revalidating (validators keep them one more lifetime, at least a minute).
 * </ul>
 */
package io.cachemesh.sidecar.engine;
