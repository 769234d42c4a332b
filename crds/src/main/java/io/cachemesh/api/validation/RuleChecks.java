package io.cachemesh.api.validation;

import io.cachemesh.api.CacheRule;
import io.cachemesh.api.CacheSettings;
import io.cachemesh.api.PathMatch;
import io.cachemesh.api.RuleMatch;
import io.cachemesh.api.compiled.CompiledPath;
import io.cachemesh.api.compiled.PathTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Each rule on its own: name, methods, path match, settings and tags. */
final class RuleChecks {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Set<String> CACHEABLE_METHODS = Set.of("GET", "HEAD");
  /** The compiled site defaults carry this name in Cache-Status and metrics. */
  private static final String RESERVED_NAME = "default";

  private RuleChecks() {}

  static List<RuleView> check(List<CacheRule> rules, CacheSettings site, List<FieldError> errors) {
    List<RuleView> views = new ArrayList<>();
    Map<String, Integer> firstByName = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String at = "spec.rules[" + i + "]";
      CacheRule rule = rules.get(i);
      if (rule == null) {
        errors.add(new FieldError(at, "is empty: a rule needs at least a name"));
        continue;
      }
      checkName(at, rule.name(), firstByName, i, errors);
      boolean caches = !Boolean.FALSE.equals(SettingsChecks.pick(rule.settings(), site, CacheSettings::cache));
      RuleMatch match = rule.match();
      boolean methodsValid = checkMethods(at + ".match.methods", match == null ? null : match.methods(), caches, errors);
      PathMatch path = match == null ? null : match.path();
      CompiledPath compiled = null;
      boolean pathValid = true;
      if (path != null) {
        compiled = checkPath(at + ".match.path", path, errors);
        pathValid = compiled != null;
      }
      SettingsChecks.check(at, rule.settings(), site, errors);
      TagTemplateCheck.checkRuleTags(at + ".tags", rule.tags(), !pathValid ? null : compiled == null ? List.of() : compiled.params(), errors);
      views.add(new RuleView(i, rule.name(), methods(match), compiled, methodsValid && pathValid));
    }
    return views;
  }

  private static void checkName(String at, String name, Map<String, Integer> firstByName, int index, List<FieldError> errors) {
    if (PolicyValidator.isBlank(name)) {
      errors.add(new FieldError(at + ".name", "is required: name the rule (it shows in Cache-Status and metrics)"));
    } else if (!DNS_LABEL.matcher(name).matches()) {
      errors.add(new FieldError(at + ".name", "'" + name
          + "' is not a valid rule name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"));
    } else if (RESERVED_NAME.equals(name)) {
      errors.add(new FieldError(at + ".name", "'default' is reserved for spec.defaults: choose another name"));
    } else {
      Integer first = firstByName.putIfAbsent(name, index);
      if (first != null) {
        errors.add(new FieldError(at + ".name", "duplicate rule name '" + name + "' (also spec.rules[" + first + "])"));
      }
    }
  }

  /** @return false when a method is unknown, so the rule is not compared with others */
  private static boolean checkMethods(String at, List<String> methods, boolean caches, List<FieldError> errors) {
    if (methods == null) {
      return true;
    }
    boolean valid = true;
    for (int i = 0; i < methods.size(); i++) {
      String method = methods.get(i) == null ? "" : methods.get(i).toUpperCase(Locale.ROOT);
      if (!KNOWN_METHODS.contains(method)) {
        errors.add(new FieldError(at + "[" + i + "]",
            "unknown method '" + methods.get(i) + "': use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS"));
        valid = false;
      } else if (caches && !CACHEABLE_METHODS.contains(method)) {
        errors.add(new FieldError(at + "[" + i + "]",
            "only GET and HEAD are served from cache; set cache: false to pass other methods through"));
      }
    }
    return valid;
  }

  /** @return the compiled matcher, or null when the path match is invalid (errors added) */
  private static CompiledPath checkPath(String at, PathMatch path, List<FieldError> errors) {
    List<String> set = new ArrayList<>();
    if (path.exact() != null) {
      set.add("exact");
    }
    if (path.prefix() != null) {
      set.add("prefix");
    }
    if (path.template() != null) {
      set.add("template");
    }
    if (path.regex() != null) {
      set.add("regex");
    }
    if (set.size() != 1) {
      errors.add(new FieldError(at, set.isEmpty()
          ? "set one of exact, prefix, template or regex (or leave out path to match every path)"
          : "set exactly one of exact, prefix, template or regex, not " + String.join(" and ", set)));
      return null;
    }
    String field = at + "." + set.getFirst();
    String value = switch (set.getFirst()) {
      case "exact" -> path.exact();
      case "prefix" -> path.prefix();
      case "template" -> path.template();
      default -> path.regex();
    };
    String problem = pathProblem(set.getFirst(), value);
    if (problem != null) {
      errors.add(new FieldError(field, problem));
      return null;
    }
    return CompiledPath.of(path);
  }

  private static String pathProblem(String kind, String value) {
    if (kind.equals("regex")) {
      try {
        Pattern.compile(value);
        return null;
      } catch (PatternSyntaxException e) {
        String where = e.getIndex() >= 0 ? " near index " + e.getIndex() : "";
        return "'" + value + "' is not a valid regex: " + e.getDescription() + where;
      }
    }
    if (!value.startsWith("/")) {
      return "'" + value + "' must start with /";
    }
    if (value.contains("?")) {
      return "'" + value + "' contains '?': paths are matched without the query string (see varyBy.query)";
    }
    if (kind.equals("template")) {
      try {
        PathTemplate.parse(value);
      } catch (IllegalArgumentException e) {
        return "'" + value + "' is not a valid template: " + e.getMessage();
      }
    }
    return null;
  }

  /** As the compiler resolves them: upper case, GET and HEAD when unset. */
  private static Set<String> methods(RuleMatch match) {
    if (match == null || match.methods() == null || match.methods().isEmpty()) {
      return CACHEABLE_METHODS;
    }
    Set<String> methods = new TreeSet<>();
    for (String method : match.methods()) {
      if (method != null) {
        methods.add(method.toUpperCase(Locale.ROOT));
      }
    }
    return methods;
  }
}
