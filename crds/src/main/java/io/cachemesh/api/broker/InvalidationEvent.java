package io.cachemesh.api.broker;

import io.cachemesh.api.PurgeMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An invalidation on a policy's stream, schema version 1. Flat string fields so that any language
 * can publish it with one {@code XADD}:
 *
 * <pre>
 * XADD cm:{shop/catalog}:events MAXLEN ~ 10000 * v 1 tags "product:42 category:7" mode hard origin django
 * </pre>
 *
 * <ul>
 *   <li>{@code v}: schema version, {@code 1}. Another version is malformed for this reader.
 *   <li>{@code tags}, {@code paths}, {@code prefixes}: space-separated lists (tags and paths contain
 *       no spaces: paths are percent-encoded as on the wire).
 *   <li>{@code all}: {@code true} to drop everything of the policy.
 *   <li>{@code mode}: {@code hard} (drop, the default) or {@code soft} (serve stale while one request refetches).
 *   <li>{@code origin}: who published it, free text for logs ({@code operator}, {@code sidecar/pod-1}, {@code django}).
 * </ul>
 *
 * At least one of tags, paths, prefixes or all is required. The event's time is its stream id's
 * (the broker's clock), so publishers need not agree on time.
 */
public record InvalidationEvent(
    List<String> tags, List<String> paths, List<String> prefixes, boolean all, PurgeMode mode, String origin) {
  public static final String SCHEMA_VERSION = "1";
  static final int MAX_VALUES = 1000;
  static final int MAX_VALUE_LENGTH = 2048;

  public InvalidationEvent {
    tags = List.copyOf(tags);
    paths = List.copyOf(paths);
    prefixes = List.copyOf(prefixes);
  }

  /** The stream entry's fields, in a stable order. */
  public Map<String, String> toFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("v", SCHEMA_VERSION);
    if (!tags.isEmpty()) {
      fields.put("tags", String.join(" ", tags));
    }
    if (!paths.isEmpty()) {
      fields.put("paths", String.join(" ", paths));
    }
    if (!prefixes.isEmpty()) {
      fields.put("prefixes", String.join(" ", prefixes));
    }
    if (all) {
      fields.put("all", "true");
    }
    fields.put("mode", mode == PurgeMode.SOFT ? "soft" : "hard");
    if (origin != null) {
      fields.put("origin", origin);
    }
    return fields;
  }

  /**
   * @throws MalformedEventException naming the field, for anything a reader must skip
   */
  public static InvalidationEvent parse(Map<String, String> fields) throws MalformedEventException {
    String version = fields.get("v");
    if (!SCHEMA_VERSION.equals(version)) {
      throw new MalformedEventException("v", "schema version '" + version + "' is not supported (expected 1)");
    }
    List<String> tags = list(fields, "tags");
    List<String> paths = list(fields, "paths");
    List<String> prefixes = list(fields, "prefixes");
    for (String path : paths) {
      requirePath("paths", path);
    }
    for (String prefix : prefixes) {
      requirePath("prefixes", prefix);
    }
    String allText = fields.get("all");
    if (allText != null && !allText.equals("true") && !allText.equals("false")) {
      throw new MalformedEventException("all", "must be true or false");
    }
    boolean all = "true".equals(allText);
    if (tags.isEmpty() && paths.isEmpty() && prefixes.isEmpty() && !all) {
      throw new MalformedEventException("tags", "an event must name tags, paths, prefixes or all");
    }
    String modeText = fields.getOrDefault("mode", "hard").toLowerCase(Locale.ROOT);
    PurgeMode mode = switch (modeText) {
      case "hard" -> PurgeMode.HARD;
      case "soft" -> PurgeMode.SOFT;
      default -> throw new MalformedEventException("mode", "must be hard or soft, not '" + modeText + "'");
    };
    return new InvalidationEvent(tags, paths, prefixes, all, mode, fields.get("origin"));
  }

  private static List<String> list(Map<String, String> fields, String name) throws MalformedEventException {
    String text = fields.get(name);
    if (text == null || text.isBlank()) {
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (String value : Arrays.asList(text.trim().split("\\s+"))) {
      if (value.length() > MAX_VALUE_LENGTH) {
        throw new MalformedEventException(name, "a value is longer than " + MAX_VALUE_LENGTH + " characters");
      }
      values.add(value);
    }
    if (values.size() > MAX_VALUES) {
      throw new MalformedEventException(name, "more than " + MAX_VALUES + " values");
    }
    return values;
  }

  private static void requirePath(String field, String value) throws MalformedEventException {
    if (!value.startsWith("/")) {
      throw new MalformedEventException(field, "'" + value + "' does not start with /");
    }
  }
}
