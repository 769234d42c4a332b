package io.cachemesh.sidecar.semantics;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Web cache deception guard: a path whose extension promises a static type is stored only when the
 * response's Content-Type is that type, so {@code /account/settings/x.css} answered with the
 * account's HTML page is never stored. {@code .json} is included: APIs ending in {@code .json}
 * answer JSON, and a personal HTML page under such a path is exactly the attack. Fonts may also
 * come as {@code application/octet-stream}, as many servers send them.
 */
public final class DeceptionGuard {
  private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
      Map.entry("css", List.of("text/css")),
      Map.entry("js", List.of("application/javascript", "text/javascript", "application/x-javascript", "application/ecmascript", "text/ecmascript")),
      Map.entry("mjs", List.of("application/javascript", "text/javascript")),
      Map.entry("png", List.of("image/png")),
      Map.entry("jpg", List.of("image/jpeg")),
      Map.entry("jpeg", List.of("image/jpeg")),
      Map.entry("gif", List.of("image/gif")),
      Map.entry("svg", List.of("image/svg+xml")),
      Map.entry("ico", List.of("image/x-icon", "image/vnd.microsoft.icon")),
      Map.entry("woff", List.of("font/woff", "application/font-woff", "application/octet-stream")),
      Map.entry("woff2", List.of("font/woff2", "application/font-woff2", "application/octet-stream")),
      Map.entry("ttf", List.of("font/ttf", "font/sfnt", "application/x-font-ttf", "application/font-sfnt", "application/octet-stream")),
      Map.entry("webp", List.of("image/webp")),
      Map.entry("avif", List.of("image/avif")),
      Map.entry("map", List.of("application/json", "application/octet-stream")),
      Map.entry("txt", List.of("text/plain")),
      Map.entry("xml", List.of("application/xml", "text/xml", "+xml")),
      Map.entry("json", List.of("application/json", "+json")));

  private DeceptionGuard() {}

  /** True when the path's extension is a static one and the Content-Type (may be null) does not match it. */
  public static boolean disagrees(String path, String contentType) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    if (dot <= slash || dot == path.length() - 1) {
      return false;
    }
    List<String> expected = EXPECTED.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (expected == null) {
      return false;
    }
    if (contentType == null) {
      return true;
    }
    int semi = contentType.indexOf(';');
    String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    for (String e : expected) {
      if (e.startsWith("+") ? mime.endsWith(e) : mime.equals(e)) {
        return false;
      }
    }
    return true;
  }
}
