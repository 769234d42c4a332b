package io.cachemesh.sidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.Purge;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses admin requests (query parameters or a JSON object) into engine values, naming what is wrong. */
final class AdminParams {
  private static final Set<String> PURGE_PARAMS = Set.of("kind", "value", "values", "soft", "local");

  private AdminParams() {}

  /**
   * {@code kind=key|path|prefix|tag|all}, {@code value} (repeatable) or {@code values}
   * (comma-separated), {@code soft=true|false}.
   */
  static Purge purge(Map<String, List<String>> params) throws BadParameterException {
    for (String name : params.keySet()) {
      if (!PURGE_PARAMS.contains(name)) {
        throw new BadParameterException(name, "unknown parameter (use kind, value/values, soft, local)");
      }
    }
    String kindText = single(params, "kind");
    if (kindText == null) {
      throw new BadParameterException("kind", "is required: key, path, prefix, tag or all");
    }
    Purge.Kind kind;
    try {
      kind = Purge.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("kind", "must be key, path, prefix, tag or all, not '" + kindText + "'");
    }
    List<String> values = new ArrayList<>(params.getOrDefault("value", List.of()));
    for (String joined : params.getOrDefault("values", List.of())) {
      for (String v : joined.split(",")) {
        if (!v.isBlank()) {
          values.add(v.trim());
        }
      }
    }
    String valuesParam = params.containsKey("values") ? "values" : "value";
    if (kind == Purge.Kind.ALL && !values.isEmpty()) {
      throw new BadParameterException(valuesParam, "must be empty for kind=all");
    }
    if (kind != Purge.Kind.ALL && values.isEmpty()) {
      throw new BadParameterException(valuesParam, "at least one value is required for kind=" + kindText);
    }
    for (String v : values) {
      if (v.isEmpty()) {
        throw new BadParameterException(valuesParam, "values must not be empty");
      }
      if ((kind == Purge.Kind.PATH || kind == Purge.Kind.PREFIX) && !v.startsWith("/")) {
        throw new BadParameterException(valuesParam, "a " + kindText + " must start with '/': '" + v + "'");
      }
    }
    return new Purge(kind, values, bool(params, "soft"));
  }

  /** {@code local=true}: purge only this replica (its memory tier), publish nothing. */
  static boolean localOnly(Map<String, List<String>> params) throws BadParameterException {
    return bool(params, "local");
  }

  /**
   * {@code url} (a path with query, or an absolute http URL), optional {@code host} and
   * {@code header=Name: value} (repeatable), optional {@code method} (GET or HEAD).
   */
  static CacheRequest inspect(Map<String, List<String>> params) throws BadParameterException {
    for (String name : params.keySet()) {
      if (!Set.of("url", "host", "header", "method").contains(name)) {
        throw new BadParameterException(name, "unknown parameter (use url, host, header, method)");
      }
    }
    String url = single(params, "url");
    if (url == null || url.isEmpty()) {
      throw new BadParameterException("url", "is required, e.g. /products/1?lang=en");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new BadParameterException("url", "is not a URL: " + e.getReason());
    }
    String host = single(params, "host");
    if (uri.getScheme() != null) {
      if (!uri.getScheme().equalsIgnoreCase("http") || uri.getRawAuthority() == null) {
        throw new BadParameterException("url", "must be a path or an http:// URL");
      }
      host = host != null ? host : uri.getRawAuthority();
    } else if (!url.startsWith("/")) {
      throw new BadParameterException("url", "must start with '/' or http://");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    List<Header> headers = new ArrayList<>();
    for (String field : params.getOrDefault("header", List.of())) {
      int colon = field.indexOf(':');
      if (colon <= 0) {
        throw new BadParameterException("header", "must be 'Name: value', not '" + field + "'");
      }
      headers.add(new Header(field.substring(0, colon).trim(), field.substring(colon + 1).trim()));
    }
    String method = single(params, "method");
    method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new BadParameterException("method", "must be GET or HEAD");
    }
    host = (host == null ? "localhost" : host).toLowerCase(Locale.ROOT);
    if (host.endsWith(":80")) {
      host = host.substring(0, host.length() - 3);
    }
    return new CacheRequest(method, "http", host, path, uri.getRawQuery(), new HeaderList(headers), true);
  }

  /** A JSON object as the same parameter map as a query string: arrays become repeated values. */
  static Map<String, List<String>> fromJson(ObjectMapper json, byte[] body) throws BadParameterException {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new BadParameterException("(body)", "is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new BadParameterException("(body)", "must be a JSON object");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey().equals("values") ? "value" : field.getKey();
      List<String> values = out.computeIfAbsent(name, k -> new ArrayList<>());
      JsonNode node = field.getValue();
      if (node.isArray()) {
        for (JsonNode element : node) {
          values.add(scalar(field.getKey(), element));
        }
      } else {
        values.add(scalar(field.getKey(), node));
      }
    }
    return out;
  }

  private static String scalar(String name, JsonNode node) throws BadParameterException {
    if (!node.isValueNode() || node.isNull()) {
      throw new BadParameterException(name, "must be a string, a boolean or an array of strings");
    }
    return node.asText();
  }

  private static String single(Map<String, List<String>> params, String name) throws BadParameterException {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new BadParameterException(name, "given more than once");
    }
    return values.getFirst();
  }

  private static boolean bool(Map<String, List<String>> params, String name) throws BadParameterException {
    String value = single(params, name);
    if (value == null) {
      return false;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new BadParameterException(name, "must be true or false, not '" + value + "'");
    };
  }
}
