package io.cachemesh.sidecar.key;

import io.cachemesh.api.Scope;
import io.cachemesh.api.compiled.KeySpec;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.HeaderList;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the keys of one rule, compiled once per config. A key is
 * {@code <keyPrefix>v<keyVersion>:G:<scheme>://<host><path>[?<normalised query>]} followed by
 * the rule's varyBy headers ({@code |h:name=hash}), cookies ({@code |c:name=hash}) and, for
 * scope PerUser, the identity ({@code |u:hash}); the Vary variant, when the origin varies, is
 * {@code |v:hash} on top. GET and HEAD share the method class {@code G}.
 *
 * <p>Identity gate: a request carrying Authorization or a Cookie is keyed only when the rule says
 * how: Authorization when scope is PerUser or varyBy names the header; cookies when scope is
 * PerUser, varyBy names the Cookie header, or varyBy names cookies and every cookie present is
 * named (an unnamed cookie could be a session the origin personalises on, so its presence
 * bypasses). Header and cookie values enter keys only as {@link IdentityHash}es (any header may
 * carry a token), so a key in Redis or a log never holds a credential or session id.
 */
public final class KeyFactory {
  private final String base;
  private final KeySpec spec;
  private final boolean perUser;
  private final boolean authorizationKeyed;
  private final boolean cookieHeaderKeyed;
  private final Set<String> namedCookies;
  private final QueryNormalizer query;

  public KeyFactory(String keyPrefix, int keyVersion, KeySpec spec, Scope scope) {
    this.base = keyPrefix + "v" + keyVersion + ":G:";
    this.spec = spec;
    this.perUser = scope == Scope.PER_USER;
    this.authorizationKeyed = perUser || spec.headers().contains("authorization");
    this.cookieHeaderKeyed = perUser || spec.headers().contains("cookie");
    this.namedCookies = Set.copyOf(spec.cookies());
    this.query = new QueryNormalizer(spec);
  }

  public RequestKey keyFor(CacheRequest request) {
    HeaderList headers = request.headers();
    String authorization = headers.first("Authorization").orElse(null);
    boolean hasAuthorization = authorization != null;
    if (hasAuthorization && !authorizationKeyed) {
      return RequestKey.bypass("authorization", true);
    }
    List<String> cookieFields = headers.all("Cookie");
    List<String[]> cookies = List.of();
    if (!cookieFields.isEmpty() && !cookieHeaderKeyed) {
      if (namedCookies.isEmpty()) {
        return RequestKey.bypass("cookie", hasAuthorization);
      }
      cookies = parseCookies(cookieFields);
      for (String[] c : cookies) {
        if (!namedCookies.contains(c[0])) {
          return RequestKey.bypass("cookie", hasAuthorization);
        }
      }
    }
    StringBuilder sb = new StringBuilder(128).append(base).append(request.scheme()).append("://")
        .append(request.host()).append(request.path());
    String q = query.normalize(request.rawQuery());
    if (!q.isEmpty()) {
      sb.append('?').append(q);
    }
    for (String name : spec.headers()) {
      List<String> values = headers.all(name);
      sb.append("|h:").append(name);
      if (!values.isEmpty()) {
        String v = String.join(",", values);
        // Every header value is hashed: the cache cannot know which custom header carries a token.
        sb.append('=').append(IdentityHash.of(v));
      }
    }
    if (!cookies.isEmpty()) {
      cookies.sort((a, b) -> a[0].compareTo(b[0]));
      for (String[] c : cookies) {
        sb.append("|c:").append(escape(c[0])).append('=').append(IdentityHash.of(c[1]));
      }
    }
    if (perUser) {
      sb.append("|u:").append(IdentityHash.of(
          (authorization == null ? "" : authorization) + "\n" + String.join("; ", cookieFields)));
    }
    return new RequestKey(sb.toString(), null, hasAuthorization);
  }

  /** The Vary variant suffix: the request's values of the Vary-named headers, hashed (they may be identities). */
  public static String variant(List<String> varyNames, HeaderList headers) {
    if (varyNames.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String name : varyNames) {
      sb.append(name).append('\u0000');
      for (String v : headers.all(name)) {
        sb.append(normalizeVaryValue(v)).append('\u0001');
      }
      sb.append('\u0002');
    }
    return "|v:" + IdentityHash.of(sb.toString());
  }

  /** Whitespace around list separators does not make a different variant. */
  private static String normalizeVaryValue(String v) {
    return v.replace(", ", ",").trim();
  }

  static List<String[]> parseCookies(List<String> fields) {
    List<String[]> out = new ArrayList<>();
    for (String field : fields) {
      for (String pair : field.split(";")) {
        String p = pair.trim();
        if (p.isEmpty()) {
          continue;
        }
        int eq = p.indexOf('=');
        out.add(eq < 0 ? new String[] {p, ""} : new String[] {p.substring(0, eq).trim(), p.substring(eq + 1).trim()});
      }
    }
    return out;
  }

  /** Keeps the key's separators unambiguous whatever a header value contains. */
  private static String escape(String v) {
    if (v.indexOf('|') < 0 && v.indexOf('%') < 0 && v.indexOf('\n') < 0) {
      return v;
    }
    return v.replace("%", "%25").replace("|", "%7C").replace("\n", "%0A");
  }
}
