package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.http.HopByHop;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header fields of a forwarded request: the client's end-to-end fields, the cache's overrides,
 * then what a proxy adds. {@code X-Forwarded-Host} and {@code X-Forwarded-Proto} are set from what
 * the sidecar saw, never passed on from the client: they are not part of the cache key, so a client
 * must not be able to make the app render (and the cache store) links to another host.
 */
public final class Forwarding {
  public static final String VIA = "1.1 cachemesh";
  /** Fields the client may not send to the app through the cache: unkeyed, yet known to change responses. */
  private static final Set<String> DROPPED = Set.of(
      "host", "expect", "x-forwarded-host", "x-forwarded-proto", "x-original-url", "x-rewrite-url", "forwarded");

  private Forwarding() {}

  public static HeaderList headers(CacheRequest request, HeaderList overrides, String clientAddress) {
    HeaderList base = HopByHop.strip(request.headers());
    List<Header> out = new ArrayList<>(base.fields().size() + overrides.fields().size() + 5);
    out.add(new Header("Host", request.host()));
    String forwardedFor = null;
    String via = null;
    for (Header h : base.fields()) {
      String lower = h.name().toLowerCase(Locale.ROOT);
      if (DROPPED.contains(lower) || overrides.contains(h.name())) {
        continue;
      }
      if (lower.equals("x-forwarded-for")) {
        forwardedFor = forwardedFor == null ? h.value() : forwardedFor + ", " + h.value();
      } else if (lower.equals("via")) {
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

  /** The origin's response fields as a proxy passes them on: hop-by-hop fields removed, Via added. */
  public static HeaderList responseFields(HeaderList origin) {
    HeaderList headers = HopByHop.strip(origin);
    List<String> via = headers.all("Via");
    return headers.with("Via", via.isEmpty() ? VIA : String.join(", ", via) + ", " + VIA);
  }
}
