package io.cachemesh.api.compiled;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Compiled path regexes, shared: a config is compiled once but matched on every request. */
final class PatternCache {
  private static final int MAX = 4096;
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private PatternCache() {}

  static Pattern get(String regex) {
    Pattern cached = PATTERNS.get(regex);
    if (cached != null) {
      return cached;
    }
    Pattern compiled = Pattern.compile(regex);
    // Bounded so a process that reloads many configs cannot grow this without limit.
    if (PATTERNS.size() >= MAX) {
      PATTERNS.clear();
    }
    PATTERNS.put(regex, compiled);
    return compiled;
  }
}
