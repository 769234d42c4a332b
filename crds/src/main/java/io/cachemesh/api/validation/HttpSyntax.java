package io.cachemesh.api.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** RFC 9110 syntax the policy repeats: header names, cookie names and Cache-Control directives. */
final class HttpSyntax {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"\\\\]|\\\\.)*\"");

  private HttpSyntax() {}

  static boolean isToken(String text) {
    return text != null && TOKEN.matcher(text).matches();
  }

  /** A Cache-Control directive: {@code token} or {@code token=token} or {@code token="quoted"}. */
  static boolean isCacheDirective(String directive) {
    int eq = directive.indexOf('=');
    if (eq < 0) {
      return isToken(directive);
    }
    String value = directive.substring(eq + 1);
    return isToken(directive.substring(0, eq)) && (isToken(value) || QUOTED.matcher(value).matches());
  }

  /**
   * Splits a Cache-Control value on commas outside quoted strings, trimming each directive, so that
   * {@code no-cache="a, b"} stays one directive.
   */
  static List<String> directives(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        out.add(current.toString().trim());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString().trim());
    return out;
  }
}
