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
  private HopByHop() {}

  /**
   * Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade,
   * Proxy-Authorization, Proxy-Authenticate, in any case. Compared by length first and without
   * lower-casing: this runs for every field of every request and response.
   */
  public static boolean isAlwaysHopByHop(String name) {
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("te");
      case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
      case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 16 -> name.equalsIgnoreCase("proxy-connection");
      case 17 -> name.equalsIgnoreCase("transfer-encoding");
      case 18 -> name.equalsIgnoreCase("proxy-authenticate");
      case 19 -> name.equalsIgnoreCase("proxy-authorization");
      default -> false;
    };
  }

  /** A copy without hop-by-hop fields; the same list when there is none (the common case). */
  public static HeaderList strip(HeaderList headers) {
    Set<String> named = null;
    boolean found = false;
    for (Header h : headers.fields()) {
      if (isAlwaysHopByHop(h.name())) {
        found = true;
        if (h.name().equalsIgnoreCase("connection")) {
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
      if (!isAlwaysHopByHop(h.name()) && (named == null || !named.contains(lower))) {
        out.add(h);
      }
    }
    return new HeaderList(out);
  }
}
