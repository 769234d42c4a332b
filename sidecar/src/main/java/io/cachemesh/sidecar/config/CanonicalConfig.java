package io.cachemesh.sidecar.config;

import io.cachemesh.api.Precedence;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.Scope;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledPath;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.api.compiled.KeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The config hash of {@code ConfigHash} (SHA-256 of the canonical JSON with the hash field null,
 * first 16 hex digits), computed without Jackson: the same compact bytes that Jackson's canonical
 * mapper writes (properties sorted by name, nulls written, Jackson's string escapes). A field added
 * to the compiled records must be added here too; {@code CanonicalConfigTest} compares both hashes
 * over every example policy.
 */
final class CanonicalConfig {
  private CanonicalConfig() {}

  static String hash(CompiledConfig config) {
    byte[] canonical = json(config.withHash(null)).getBytes(StandardCharsets.UTF_8);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The name an enum constant has in the JSON: the API enums are written in UpperCamel ({@code PerUser}). */
  static String wireName(Enum<?> constant) {
    return switch (constant) {
      case Scope s -> upperCamel(s.name());
      case Precedence p -> upperCamel(p.name());
      case PurgeMode m -> upperCamel(m.name());
      default -> constant.name();
    };
  }

  private static String upperCamel(String constantName) {
    StringBuilder out = new StringBuilder(constantName.length());
    for (String word : constantName.split("_")) {
      out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  static String json(CompiledConfig c) {
    StringBuilder out = new StringBuilder(1024);
    write(out, properties(
        "schemaVersion", c.schemaVersion(),
        "policy", c.policy() == null ? null
            : properties("namespace", c.policy().namespace(), "name", c.policy().name()),
        "keyPrefix", c.keyPrefix(),
        "keyVersion", c.keyVersion(),
        "upstreamPort", c.upstreamPort(),
        "rules", c.rules() == null ? null : c.rules().stream().map(CanonicalConfig::rule).toList(),
        "defaults", rule(c.defaults()),
        "memory", c.memory() == null ? null
            : properties("maxSizeBytes", c.memory().maxSizeBytes(), "maxObjectSizeBytes", c.memory().maxObjectSizeBytes()),
        "shared", c.shared() == null ? null
            : properties("enabled", c.shared().enabled(), "brokerSecret", c.shared().brokerSecret()),
        "invalidation", c.invalidation() == null ? null
            : properties("tagHeader", c.invalidation().tagHeader(), "exposeTags", c.invalidation().exposeTags(),
                "purgeOnUnsafe", c.invalidation().purgeOnUnsafe(), "mode", c.invalidation().mode()),
        "hash", c.hash()));
    return out.toString();
  }

  private static Map<String, Object> rule(CompiledRule r) {
    if (r == null) {
      return null;
    }
    return properties(
        "name", r.name(),
        "methods", r.methods(),
        "path", path(r.path()),
        "cache", r.cache(),
        "ttlMillis", r.ttlMillis(),
        "staleWhileRevalidateMillis", r.staleWhileRevalidateMillis(),
        "staleIfErrorMillis", r.staleIfErrorMillis(),
        "errorTtlMillis", r.errorTtlMillis(),
        "key", key(r.key()),
        "scope", r.scope(),
        "tags", r.tags(),
        "precedence", r.precedence(),
        "clientCacheControl", r.clientCacheControl());
  }

  private static Map<String, Object> path(CompiledPath p) {
    return p == null ? null : properties("kind", p.kind(), "value", p.value(), "regex", p.regex(), "params", p.params());
  }

  private static Map<String, Object> key(KeySpec k) {
    return k == null ? null : properties("headers", k.headers(), "cookies", k.cookies(), "queryMode", k.queryMode(),
        "queryParams", k.queryParams(), "dropTracking", k.dropTracking());
  }

  /** Name-value pairs, sorted by name as Jackson's SORT_PROPERTIES_ALPHABETICALLY does. */
  private static Map<String, Object> properties(Object... namesAndValues) {
    Map<String, Object> sorted = new TreeMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      sorted.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return sorted;
  }

  private static void write(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("null");
      case String s -> string(out, s);
      case Enum<?> e -> string(out, wireName(e));
      case Number n -> out.append(n.longValue());
      case Boolean b -> out.append(b.booleanValue());
      case Map<?, ?> map -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          out.append(first ? "" : ",");
          first = false;
          string(out, (String) entry.getKey());
          out.append(':');
          write(out, entry.getValue());
        }
        out.append('}');
      }
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          out.append(i == 0 ? "" : ",");
          write(out, list.get(i));
        }
        out.append(']');
      }
      default -> throw new IllegalArgumentException("no canonical JSON for " + value.getClass());
    }
  }

  /**
   * Jackson's escapes: quote, backslash, the five short control escapes, other controls and each half of a surrogate pair (Jackson's UTF-8 writer does not combine them) as a hex escape.
   */
  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c)) {
            out.append("\\u").append(HexFormat.of().withUpperCase().toHexDigits(c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
