package io.cachemesh.sidecar.http;

import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop fields (RFC 9110 7.6.1): they describe one connection, so a proxy removes them in both
 * directions, together with every field the {@code Connection} header names.
 */
public final class HopByHop {
  private static final Set<String> ALWAYS = Set.of(
      "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
      "proxy-authorization", "proxy-authenticate");

  private HopByHop() {}

  public static boolean isAlwaysHopByHop(String name) {
    return ALWAYS.contains(name.toLowerCase(Locale.ROOT));
  }

  /** A copy without hop-by-hop fields; the same list when there is none (the common case). */
  public static HeaderList strip(HeaderList headers) {
    Set<String> named = null;
    boolean found = false;
    for (Header h : headers.fields()) {
      String lower = h.name().toLowerCase(Locale.ROOT);
      if (ALWAYS.contains(lower)) {
        found = true;
        if (lower.equals("connection")) {
          named = named == null ? new HashSet<>() : named;
          for (String token : h.value().split(",")) {
            String t = token.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
              named.add(t);
            }
          }
        }
      }
    }
    if (!found) {
      return headers;
    }
    List<Header> out = new ArrayList<>(headers.fields().size());
    for (Header h : headers.fields()) {
      String lower = h.name().toLowerCase(Locale.ROOT);
      if (!ALWAYS.contains(lower) && (named == null || !named.contains(lower))) {
        out.add(h);
      }
    }
    return new HeaderList(out);
  }
}
