package io.cachemesh.sidecar.http;

import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import java.util.ArrayList;
import java.util.List;

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

  /** A copy without hop-by-hop fields; the same list when there is none. */
  public static HeaderList strip(HeaderList headers) {
    List<String> named = null;
    boolean found = false;
    for (Header h : headers.fields()) {
      if (isAlwaysHopByHop(h.name())) {
        found = true;
        if (h.name().equalsIgnoreCase("connection")) {
          named = connectionOptions(h.value(), named);
        }
      }
    }
    if (!found) {
      return headers;
    }
    List<Header> out = new ArrayList<>(headers.fields().size());
    for (Header h : headers.fields()) {
      if (!isAlwaysHopByHop(h.name()) && (named == null || !containsIgnoreCase(named, h.name()))) {
        out.add(h);
      }
    }
    return new HeaderList(out);
  }

  /**
   * Adds the field names a Connection header lists to {@code named} (created when needed). Tokens
   * that are hop-by-hop anyway, and the {@code keep-alive}/{@code close} options every response
   * carries, add nothing: the common {@code Connection: keep-alive} allocates nothing.
   */
  private static List<String> connectionOptions(String value, List<String> named) {
    int start = 0;
    while (start <= value.length()) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? value.length() : comma;
      String token = value.substring(start, end).strip();
      if (!token.isEmpty() && !isAlwaysHopByHop(token) && !token.equalsIgnoreCase("close")) {
        named = named == null ? new ArrayList<>(2) : named;
        named.add(token);
      }
      start = end + 1;
    }
    return named;
  }

  private static boolean containsIgnoreCase(List<String> names, String name) {
    for (String n : names) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
