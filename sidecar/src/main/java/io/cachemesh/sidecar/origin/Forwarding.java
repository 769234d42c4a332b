package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.http.HopByHop;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of a forwarded request: the client's end-to-end fields, the cache's overrides,
 * then what a proxy adds. {@code X-Forwarded-Host} and {@code X-Forwarded-Proto} are set from what
 * the sidecar saw, never passed on from the client: they are not part of the cache key, so a client
 * must not be able to make the app render (and the cache store) links to another host.
 */
public final class Forwarding {
  public static final String VIA = "1.1 cachemesh";
  private Forwarding() {}

  public static HeaderList headers(CacheRequest request, HeaderList overrides, String clientAddress) {
    HeaderList base = HopByHop.strip(request.headers());
    List<Header> out = new ArrayList<>(base.fields().size() + overrides.fields().size() + 5);
    out.add(new Header("Host", request.host()));
    String forwardedFor = null;
    String via = null;
    for (Header h : base.fields()) {
      if (dropped(h.name()) || overrides.contains(h.name())) {
        continue;
      }
      if (h.name().equalsIgnoreCase("x-forwarded-for")) {
        forwardedFor = forwardedFor == null ? h.value() : forwardedFor + ", " + h.value();
      } else if (h.name().equalsIgnoreCase("via")) {
        via = via == null ? h.value() : via + ", " + h.value();
      } else {
        out.add(h);
      }
    }
    for (Header h : overrides.fields()) {
      // An empty override removes the client's field (the engine blanks conditionals on a miss).
      if (!h.value().isEmpty() && !HopByHop.isAlwaysHopByHop(h.name()) && !h.name().equalsIgnoreCase("host")) {
        out.add(h);
      }
    }
    out.add(new Header("X-Forwarded-For", forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress));
    out.add(new Header("X-Forwarded-Proto", request.scheme()));
    out.add(new Header("X-Forwarded-Host", request.host()));
    out.add(new Header("Via", via == null ? VIA : via + ", " + VIA));
    return new HeaderList(out);
  }

  /**
   * Fields the client may not send to the app through the cache: unkeyed, yet known to change
   * responses (Host, Expect, X-Forwarded-Host, X-Forwarded-Proto, X-Original-URL, X-Rewrite-URL,
   * Forwarded). By length, then case-insensitively, without allocating: runs for every field.
   */
  private static boolean dropped(String name) {
    return switch (name.length()) {
      case 4 -> name.equalsIgnoreCase("host");
      case 6 -> name.equalsIgnoreCase("expect");
      case 9 -> name.equalsIgnoreCase("forwarded");
      case 13 -> name.equalsIgnoreCase("x-rewrite-url");
      case 14 -> name.equalsIgnoreCase("x-original-url");
      case 16 -> name.equalsIgnoreCase("x-forwarded-host");
      case 17 -> name.equalsIgnoreCase("x-forwarded-proto");
      default -> false;
    };
  }

  /** The origin's response fields as a proxy passes them on: hop-by-hop fields removed, Via added. */
  public static HeaderList responseFields(HeaderList origin) {
    HeaderList headers = HopByHop.strip(origin);
    List<Header> out = new ArrayList<>(headers.fields().size() + 1);
    String via = null;
    for (Header h : headers.fields()) {
      if (h.name().equalsIgnoreCase("Via")) {
        via = via == null ? h.value() : via + ", " + h.value();
      } else {
        out.add(h);
      }
    }
    out.add(new Header("Via", via == null ? VIA : via + ", " + VIA));
    return new HeaderList(out);
  }
}
