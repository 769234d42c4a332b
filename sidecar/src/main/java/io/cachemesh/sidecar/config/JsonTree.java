package io.cachemesh.sidecar.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259) for the compiled config, into plain values: {@code Map<String,
 * Object>} (in document order), {@code List<Object>}, {@code String}, {@code Long}, {@code Boolean}
 * and {@code null}. Only integers are accepted as numbers, since the config has no other kind.
 *
 * <p>Why not Jackson: building Jackson's record deserializers is most of an injected sidecar's
 * start (0.4 s on the main thread before the first request, even with every class in the AOT
 * cache).
 */
final class JsonTree {
  /** Deeper than any compiled config, shallow enough that recursion cannot exhaust the stack. */
  private static final int MAX_DEPTH = 32;
  private final String text;
  private int pos;

  private JsonTree(String text) {
    this.text = text;
  }

  /** @throws IOException naming the line, column and what was expected */
  static Object parse(byte[] utf8) throws IOException {
    JsonTree parser = new JsonTree(new String(utf8, StandardCharsets.UTF_8));
    parser.skipSpace();
    Object value = parser.value(0);
    parser.skipSpace();
    if (parser.pos != parser.text.length()) {
      throw parser.error("unexpected content after the top-level value");
    }
    return value;
  }

  private Object value(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  private Map<String, Object> object(int depth) throws IOException {
    pos++;
    Map<String, Object> members = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a property name in quotes");
      }
      int at = pos;
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (members.containsKey(name)) {
        pos = at;
        throw error("duplicate property \"" + name + "\"");
      }
      members.put(name, value(depth + 1));
      skipSpace();
      char c = next("',' or '}'");
      if (c == '}') {
        return members;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws IOException {
    pos++;
    List<Object> items = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return items;
    }
    while (true) {
      skipSpace();
      items.add(value(depth + 1));
      skipSpace();
      char c = next("',' or ']'");
      if (c == ']') {
        return items;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() throws IOException {
    pos++;
    StringBuilder out = null;
    int start = pos;
    while (true) {
      char c = next("a closing '\"'");
      if (c == '"') {
        return out == null ? text.substring(start, pos - 1) : out.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("control character in a string (must be escaped)");
      }
      if (c != '\\') {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder().append(text, start, pos - 1);
      }
      char e = next("an escape");
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> {
          pos--;
          throw error("invalid escape '\\" + e + "'");
        }
      }
    }
  }

  private char hex4() throws IOException {
    if (pos + 4 > text.length()) {
      throw error("unexpected end of input in a \\u escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(pos), 16);
      if (digit < 0) {
        throw error("invalid hex digit in a \\u escape");
      }
      value = value * 16 + digit;
      pos++;
    }
    return (char) value;
  }

  private Long number() throws IOException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int digits = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == digits) {
      throw error("expected a digit");
    }
    if (text.charAt(digits) == '0' && pos - digits > 1) {
      pos = digits;
      throw error("leading zero in a number");
    }
    if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      throw error("only integers are expected here");
    }
    try {
      return Long.parseLong(text, start, pos, 10);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("integer out of range");
    }
  }

  private Object literal(String word, Object value) throws IOException {
    if (!text.startsWith(word, pos)) {
      throw error("expected '" + word + "'");
    }
    pos += word.length();
    return value;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next(String expected) throws IOException {
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected " + expected);
    }
    return text.charAt(pos++);
  }

  private void expect(char c) throws IOException {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private IOException error(String reason) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new IOException("invalid JSON at line " + line + " column " + (pos - lineStart + 1) + ": " + reason);
  }
}
