package io.cachemesh.sidecar.semantics;

import io.cachemesh.sidecar.engine.HeaderList;

/** RFC 9110 section 13: whether a client's conditional GET/HEAD is satisfied by a stored response. */
public final class Conditionals {
  private Conditionals() {}

  /**
   * True when the stored response has not changed as far as the client can tell, i.e. the cache
   * answers 304. If-None-Match takes precedence over If-Modified-Since (RFC 9110 13.2.2).
   */
  public static boolean notModified(HeaderList request, HeaderList stored) {
    var inm = request.all("If-None-Match");
    if (!inm.isEmpty()) {
      String etag = stored.first("ETag").orElse(null);
      if (etag == null) {
        return false;
      }
      for (String field : inm) {
        if (matchesAny(field, etag)) {
          return true;
        }
      }
      return false;
    }
    String ims = request.first("If-Modified-Since").orElse(null);
    if (ims == null) {
      return false;
    }
    long since = HttpDates.parse(ims);
    long lastModified = HttpDates.parse(stored.first("Last-Modified").orElse(null));
    return since != HttpDates.INVALID && lastModified != HttpDates.INVALID && lastModified <= since;
  }

  /** Weak comparison (RFC 9110 8.8.3.2) of each entity-tag in a list field against one tag. */
  static boolean matchesAny(String field, String etag) {
    String target = opaque(etag);
    int i = 0;
    int n = field.length();
    while (i < n) {
      while (i < n && (field.charAt(i) == ' ' || field.charAt(i) == ',' || field.charAt(i) == '\t')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      if (field.charAt(i) == '*') {
        return true;
      }
      int start = i;
      if (field.startsWith("W/", i)) {
        i += 2;
      }
      if (i < n && field.charAt(i) == '"') {
        int close = field.indexOf('"', i + 1);
        if (close < 0) {
          return false;
        }
        if (opaque(field.substring(start, close + 1)).equals(target)) {
          return true;
        }
        i = close + 1;
      } else {
        while (i < n && field.charAt(i) != ',') {
          i++;
        }
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    String t = tag.trim();
    return t.startsWith("W/") ? t.substring(2) : t;
  }
}
