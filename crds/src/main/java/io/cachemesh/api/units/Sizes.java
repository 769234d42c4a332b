package io.cachemesh.api.units;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Kubernetes quantities used for byte sizes ({@code 64Mi}, {@code 1Gi}, {@code 100M}, {@code 4096}). */
public final class Sizes {
  // Same language as Units.SIZE_PATTERN (the schema's), with groups to read the parts.
  private static final Pattern SIZE = Pattern.compile("^([0-9]+)(Ki|Mi|Gi|k|M|G)?$");

  private Sizes() {}

  /** @throws IllegalArgumentException naming the problem when the text is not a size or overflows */
  public static long parseBytes(String text) {
    Matcher m = text == null ? null : SIZE.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (use e.g. 512Ki, 64Mi, 1Gi, 100M or a number of bytes)");
    }
    long multiplier = switch (m.group(2) == null ? "" : m.group(2)) {
      case "Ki" -> 1L << 10;
      case "Mi" -> 1L << 20;
      case "Gi" -> 1L << 30;
      case "k" -> 1_000L;
      case "M" -> 1_000_000L;
      case "G" -> 1_000_000_000L;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
  }
}
