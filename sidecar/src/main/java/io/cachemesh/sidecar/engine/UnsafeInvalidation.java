package io.cachemesh.sidecar.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 9111 4.4: a non-error response to an unsafe request invalidates its URI and same-origin
 * Location/Content-Location, in the shared tier (before memory, and before the response: the
 * client's next GET must not find the old copy in Redis), in memory, and on every replica.
 */
final class UnsafeInvalidation {
  private static final Logger LOG = LoggerFactory.getLogger(UnsafeInvalidation.class);

  private final PassThrough passThrough;
  private final Purges purges;
  private volatile Consumer<Purge> listener = p -> { };

  UnsafeInvalidation(PassThrough passThrough, Purges purges) {
    this.passThrough = passThrough;
    this.purges = purges;
  }

  void setListener(Consumer<Purge> listener) {
    this.listener = listener == null ? p -> { } : listener;
  }

  CacheResponse forward(Exchange c, Origin origin) {
    CacheResponse response = passThrough.forward(c, origin);
    int status = response.status();
    if (status >= 200 && status < 400 && c.plan.config.invalidation().purgeOnUnsafe()) {
      Set<String> paths = new LinkedHashSet<>();
      paths.add(c.request.path());
      for (String field : List.of("Location", "Content-Location")) {
        response.headers().first(field).map(v -> sameOriginPath(c.request, v)).ifPresent(paths::add);
      }
      Purge purge = new Purge(Purge.Kind.PATH, List.copyOf(paths), false);
      long n = purges.sharedThenMemoryThenFleet(purge);
      LOG.debug("event=unsafe_purge method={} paths={} entries={}", c.request.method(), paths, n);
      try {
        listener.accept(purge);
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
    } catch (URISyntaxException | IllegalArgumentException ex) {
      return null;
    }
  }

  private static String stripDefaultPort(String authority, String scheme) {
    String def = scheme.equalsIgnoreCase("https") ? ":443" : ":80";
    return authority.endsWith(def) ? authority.substring(0, authority.length() - def.length()) : authority;
  }
}
