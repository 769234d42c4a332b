package io.cachemesh.sidecar.semantics;

import io.cachemesh.sidecar.engine.HeaderList;
import java.util.ArrayList;
import java.util.List;

/** RFC 9110 section 13: how a client's conditional GET/HEAD is answered from a stored response. */
public final class Conditionals {
  /** What the preconditions of a GET/HEAD say about answering it from a stored 2xx response. */
  public enum Result {
    /** No precondition, or all hold: the stored response is served. */
    SERVE,
    /** If-None-Match or If-Modified-Since says the client's copy is current: 304. */
    NOT_MODIFIED,
    /** If-Match or If-Unmodified-Since does not hold: 412. */
    PRECONDITION_FAILED
  }

  private Conditionals() {}

  /**
   * Evaluates the preconditions in the order of RFC 9110 13.2.2: If-Match; If-Unmodified-Since only
   * without If-Match; then If-None-Match; If-Modified-Since only without If-None-Match. If-Match
   * uses the strong comparison (a weak stored ETag never matches), {@code *} matches any stored
   * response. If-Unmodified-Since is ignored when it is not a valid date or the stored response has
   * no valid Last-Modified (RFC 9110 13.1.4).
   */
  public static Result evaluate(HeaderList request, HeaderList stored) {
    var ifMatch = request.all("If-Match");
    if (!ifMatch.isEmpty()) {
      String etag = stored.first("ETag").orElse(null);
      boolean matched = false;
      for (String field : ifMatch) {
        matched |= matchesAnyStrongly(field, etag);
      }
      if (!matched) {
        return Result.PRECONDITION_FAILED;
      }
    } else {
      long since = HttpDates.parse(request.first("If-Unmodified-Since").orElse(null));
      long lastModified = HttpDates.parse(stored.first("Last-Modified").orElse(null));
      if (since != HttpDates.INVALID && lastModified != HttpDates.INVALID && lastModified > since) {
        return Result.PRECONDITION_FAILED;
      }
    }
    return notModified(request, stored) ? Result.NOT_MODIFIED : Result.SERVE;
  }

  /** If-Match: {@code *} matches anything stored; otherwise a listed strong tag equal to a strong stored ETag. */
  static boolean matchesAnyStrongly(String field, String etag) {
    if (field.trim().equals("*")) {
      return true;
    }
    if (etag == null || etag.trim().startsWith("W/")) {
      return false;
    }
    String target = etag.trim();
    for (String tag : entityTags(field)) {
      if (tag.equals(target)) {
        return true;
      }
    }
    return false;
  }

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

  /**
   * If-Range (RFC 9110 13.1.5): true when the request has none, or its validator matches the
   * stored response, so a Range may be served; false sends the whole representation. An
   * entity-tag matches by the strong comparison (a weak tag on either side never does); a date
   * matches only when it equals the stored Last-Modified exactly. Anything else does not match.
   */
  public static boolean ifRangeHolds(HeaderList request, HeaderList stored) {
    var fields = request.all("If-Range");
    if (fields.isEmpty()) {
      return true;
    }
    if (fields.size() > 1) {
      return false;
    }
    String value = fields.getFirst().trim();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      String etag = stored.first("ETag").map(String::trim).orElse(null);
      return !value.startsWith("W/") && etag != null && !etag.startsWith("W/") && etag.equals(value);
    }
    long date = HttpDates.parse(value);
    return date != HttpDates.INVALID && date == HttpDates.parse(stored.first("Last-Modified").orElse(null));
  }

  /** Weak comparison (RFC 9110 8.8.3.2) of each entity-tag in a list field against one tag. */
  static boolean matchesAny(String field, String etag) {
    String target = opaque(etag);
    for (String tag : entityTags(field)) {
      if (tag.equals("*") || opaque(tag).equals(target)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The entity-tags of a list field as written ({@code W/"x"}, {@code "x"}, or {@code *}), in order,
   * up to the first malformed one. Commas inside quotes belong to the tag.
   */
  private static List<String> entityTags(String field) {
    List<String> tags = new ArrayList<>(2);
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
        tags.add("*");
        i++;
        continue;
      }
      int start = i;
      if (field.startsWith("W/", i)) {
        i += 2;
      }
      if (i < n && field.charAt(i) == '"') {
        int close = field.indexOf('"', i + 1);
        if (close < 0) {
          break;
        }
        tags.add(field.substring(start, close + 1));
        i = close + 1;
      } else {
        while (i < n && field.charAt(i) != ',') {
          i++;
        }
      }
    }
    return tags;
  }

  private static String opaque(String tag) {
    String t = tag.trim();
    return t.startsWith("W/") ? t.substring(2) : t;
  }
}
