package io.cachemesh.api.validation;

import io.cachemesh.api.compiled.CompiledPath;
import io.cachemesh.api.compiled.CompiledPath.Kind;
import io.cachemesh.api.compiled.PathTemplate;
import java.util.List;

/**
 * Rules that can never match because an earlier rule matches every request they match (first
 * match wins). Only provable cases are reported: an earlier rule with a superset of the methods
 * whose path covers the later one's; two regexes are compared only as identical strings.
 */
final class ShadowCheck {
  private ShadowCheck() {}

  static void check(List<RuleView> rules, List<FieldError> errors) {
    for (int j = 1; j < rules.size(); j++) {
      RuleView later = rules.get(j);
      if (!later.comparable()) {
        continue;
      }
      for (int i = 0; i < j; i++) {
        RuleView earlier = rules.get(i);
        if (earlier.comparable() && earlier.methods().containsAll(later.methods()) && covers(earlier.path(), later.path())) {
          errors.add(new FieldError(later.field() + ".match", "can never match: rule '" + earlier.name() + "' ("
              + earlier.field() + ") comes first and matches every request this rule matches;"
              + " move this rule above it or narrow that rule's match"));
          break;
        }
      }
    }
  }

  /** Whether every path {@code later} matches is matched by {@code earlier}; null matches every path. */
  static boolean covers(CompiledPath earlier, CompiledPath later) {
    if (earlier == null) {
      return true;
    }
    if (later == null) {
      return false;
    }
    return switch (earlier.kind()) {
      case PREFIX -> switch (later.kind()) {
        case EXACT, PREFIX -> later.value().startsWith(earlier.value());
        case TEMPLATE -> PathTemplate.parse(later.value()).literalPrefix().startsWith(earlier.value());
        case REGEX -> false;
      };
      case EXACT -> later.kind() == Kind.EXACT && later.value().equals(earlier.value());
      case TEMPLATE -> switch (later.kind()) {
        case EXACT -> earlier.matches(later.value());
        case TEMPLATE -> anonymous(earlier).equals(anonymous(later));
        default -> false;
      };
      case REGEX -> later.kind() == Kind.EXACT ? earlier.matches(later.value())
          : later.kind() == Kind.REGEX && later.value().equals(earlier.value());
    };
  }

  /** A template's regex without parameter names: /a/{id} and /a/{slug} match the same paths. */
  private static String anonymous(CompiledPath template) {
    return template.regex().replaceAll("\\(\\?<[a-zA-Z][a-zA-Z0-9]*>", "(");
  }
}
