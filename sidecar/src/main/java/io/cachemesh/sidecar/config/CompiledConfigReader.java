package io.cachemesh.sidecar.config;

import io.cachemesh.api.Precedence;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.Scope;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledPath;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.api.compiled.InvalidationConfig;
import io.cachemesh.api.compiled.KeySpec;
import io.cachemesh.api.compiled.MemoryConfig;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.api.compiled.SharedConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the compiled config JSON that the operator writes into the policy's ConfigMap
 * ({@code ConfigJson.write}) without Jackson, so an injected sidecar's start does not build
 * Jackson's deserializers. Accepts what {@code ConfigJson.read} accepts when the file is the
 * operator's (any whitespace and property order; unknown properties are ignored, as there), and
 * is stricter elsewhere: every property but the nullable strings must be present and typed.
 *
 * <p>The config hash is recomputed over the canonical form ({@link CanonicalConfig}), so a
 * truncated or hand-edited file is refused as before.
 */
public final class CompiledConfigReader {
  private CompiledConfigReader() {}

  /** @throws IOException naming the field and the reason, the schema version, or the hash mismatch */
  public static CompiledConfig read(byte[] json) throws IOException {
    Fields root = Fields.of(JsonTree.parse(json), "");
    int schemaVersion = root.integer("schemaVersion");
    if (schemaVersion != CompiledConfig.SCHEMA_VERSION) {
      throw new IOException("schemaVersion " + schemaVersion + " is not supported (this sidecar reads "
          + CompiledConfig.SCHEMA_VERSION + ")");
    }
    CompiledConfig config = new CompiledConfig(
        schemaVersion,
        policy(root.object("policy")),
        root.string("keyPrefix"),
        root.integer("keyVersion"),
        root.string("upstreamPort"),
        root.list("rules", CompiledConfigReader::rule),
        rule(root.object("defaults")),
        memory(root.object("memory")),
        shared(root.object("shared")),
        invalidation(root.object("invalidation")),
        root.string("hash"));
    String expected = CanonicalConfig.hash(config);
    if (!expected.equals(config.hash())) {
      throw new IOException("hash " + config.hash() + " does not match the content (" + expected + ")");
    }
    return config;
  }

  private static PolicyId policy(Fields f) throws IOException {
    return new PolicyId(f.string("namespace"), f.string("name"));
  }

  private static CompiledRule rule(Fields f) throws IOException {
    Fields path = f.nullableObject("path");
    return new CompiledRule(
        f.string("name"),
        f.strings("methods"),
        path == null ? null : path(path),
        f.bool("cache"),
        f.longValue("ttlMillis"),
        f.longValue("staleWhileRevalidateMillis"),
        f.longValue("staleIfErrorMillis"),
        f.longValue("errorTtlMillis"),
        key(f.object("key")),
        f.enumValue("scope", Scope.values()),
        f.strings("tags"),
        f.enumValue("precedence", Precedence.values()),
        f.string("clientCacheControl"));
  }

  private static CompiledPath path(Fields f) throws IOException {
    return new CompiledPath(f.enumValue("kind", CompiledPath.Kind.values()), f.string("value"), f.string("regex"),
        f.strings("params"));
  }

  private static KeySpec key(Fields f) throws IOException {
    return new KeySpec(f.strings("headers"), f.strings("cookies"), f.enumValue("queryMode", KeySpec.QueryMode.values()),
        f.strings("queryParams"), f.bool("dropTracking"));
  }

  private static MemoryConfig memory(Fields f) throws IOException {
    return new MemoryConfig(f.longValue("maxSizeBytes"), f.longValue("maxObjectSizeBytes"));
  }

  private static SharedConfig shared(Fields f) throws IOException {
    return new SharedConfig(f.bool("enabled"), f.string("brokerSecret"));
  }

  private static InvalidationConfig invalidation(Fields f) throws IOException {
    return new InvalidationConfig(f.string("tagHeader"), f.bool("exposeTags"), f.bool("purgeOnUnsafe"),
        f.enumValue("mode", PurgeMode.values()));
  }

  private interface Reader<T> {
    T read(Fields fields) throws IOException;
  }

  /** One JSON object and where it is in the document, so that every error names its field. */
  private record Fields(Map<String, Object> members, String at) {
    static Fields of(Object value, String at) throws IOException {
      if (!(value instanceof Map<?, ?> map)) {
        throw new IOException((at.isEmpty() ? "the compiled config" : at) + ": expected an object, got " + kind(value));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> members = (Map<String, Object>) map;
      return new Fields(members, at);
    }

    private String field(String name) {
      return at.isEmpty() ? name : at + "." + name;
    }

    private Object required(String name) throws IOException {
      if (!members.containsKey(name)) {
        throw new IOException(field(name) + ": missing");
      }
      Object value = members.get(name);
      if (value == null) {
        throw new IOException(field(name) + ": must not be null");
      }
      return value;
    }

    Fields object(String name) throws IOException {
      return of(required(name), field(name));
    }

    Fields nullableObject(String name) throws IOException {
      Object value = members.get(name);
      return value == null ? null : of(value, field(name));
    }

    String string(String name) throws IOException {
      Object value = members.get(name);
      if (value == null || value instanceof String) {
        return (String) value;
      }
      throw new IOException(field(name) + ": expected a string, got " + kind(value));
    }

    long longValue(String name) throws IOException {
      Object value = required(name);
      if (value instanceof Long l) {
        return l;
      }
      throw new IOException(field(name) + ": expected an integer, got " + kind(value));
    }

    int integer(String name) throws IOException {
      long value = longValue(name);
      if (value != (int) value) {
        throw new IOException(field(name) + ": " + value + " is out of range");
      }
      return (int) value;
    }

    boolean bool(String name) throws IOException {
      Object value = required(name);
      if (value instanceof Boolean b) {
        return b;
      }
      throw new IOException(field(name) + ": expected true or false, got " + kind(value));
    }

    <E extends Enum<E>> E enumValue(String name, E[] constants) throws IOException {
      Object value = required(name);
      List<String> names = new ArrayList<>(constants.length);
      for (E constant : constants) {
        String wire = CanonicalConfig.wireName(constant);
        if (wire.equals(value)) {
          return constant;
        }
        names.add(wire);
      }
      throw new IOException(field(name) + ": expected one of " + names + ", got "
          + (value instanceof String s ? "\"" + s + "\"" : kind(value)));
    }

    List<String> strings(String name) throws IOException {
      return list(name, (item, at) -> {
        if (item instanceof String s) {
          return s;
        }
        throw new IOException(at + ": expected a string, got " + kind(item));
      });
    }

    <T> List<T> list(String name, Reader<T> reader) throws IOException {
      return list(name, (item, at) -> reader.read(of(item, at)));
    }

    private <T> List<T> list(String name, Item<T> item) throws IOException {
      Object value = required(name);
      if (!(value instanceof List<?> items)) {
        throw new IOException(field(name) + ": expected an array, got " + kind(value));
      }
      List<T> out = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        String at = field(name) + "[" + i + "]";
        if (items.get(i) == null) {
          throw new IOException(at + ": must not be null");
        }
        out.add(item.read(items.get(i), at));
      }
      return List.copyOf(out);
    }

    private interface Item<T> {
      T read(Object value, String at) throws IOException;
    }

    private static String kind(Object value) {
      return switch (value) {
        case null -> "null";
        case Map<?, ?> _ -> "an object";
        case List<?> _ -> "an array";
        case String _ -> "a string";
        case Long _ -> "a number";
        case Boolean _ -> "a boolean";
        default -> value.getClass().getSimpleName();
      };
    }
  }
}
