package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.key.KeyFactory;
import io.cachemesh.sidecar.semantics.Freshness;
import io.cachemesh.sidecar.semantics.StoreDecision;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Builds the entry to store from an origin response: its variant key, lifetime with jitter, kept fields, tags. */
final class EntryFactory {
  private static final Set<String> NOT_STORED = Set.of("cache-status", "connection", "keep-alive",
      "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "set-cookie");
  private static final int MAX_TAGS = 256;
  private static final int MAX_TAG_LENGTH = 1024;

  private EntryFactory() {}

  static StoredResponse entry(Exchange c, int status, HeaderList originHeaders, byte[] body, long requestTime,
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
    Set<String> names = new TreeSet<>();
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
  private static List<String> tags(Exchange c, HeaderList headers) {
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
}
