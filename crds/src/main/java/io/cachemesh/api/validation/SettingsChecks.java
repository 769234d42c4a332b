package io.cachemesh.api.validation;

import io.cachemesh.api.CacheSettings;
import io.cachemesh.api.QueryKeying;
import io.cachemesh.api.Scope;
import io.cachemesh.api.VaryBy;
import io.cachemesh.api.units.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** The cache settings shared by {@code spec.defaults} and every rule: durations, keying, client headers. */
final class SettingsChecks {
  private static final Duration MAX_TTL = Duration.ofDays(365);
  private static final Duration MAX_ERROR_TTL = Duration.ofMinutes(5);

  private SettingsChecks() {}

  /**
   * @param at the settings' field path ({@code spec.defaults} or {@code spec.rules[i]})
   * @param own the settings written there
   * @param site what {@code own} inherits from (empty for the defaults themselves)
   */
  static void check(String at, CacheSettings own, CacheSettings site, List<FieldError> errors) {
    duration(at + ".ttl", own.ttl(), MAX_TTL, errors);
    duration(at + ".staleWhileRevalidate", own.staleWhileRevalidate(), MAX_TTL, errors);
    duration(at + ".staleIfError", own.staleIfError(), MAX_TTL, errors);
    duration(at + ".errorTtl", own.errorTtl(), MAX_ERROR_TTL, errors);
    if (own.varyBy() != null) {
      checkVaryBy(at + ".varyBy", own.varyBy(), errors);
    }
    checkAuthorizationScope(at, own, site, errors);
    if (own.clientCacheControl() != null) {
      checkCacheControl(at + ".clientCacheControl", own.clientCacheControl(), errors);
    }
  }

  private static void duration(String field, String text, Duration max, List<FieldError> errors) {
    if (text == null) {
      return;
    }
    try {
      if (Durations.parse(text).compareTo(max) > 0) {
        errors.add(new FieldError(field, "'" + text + "' is too long: at most " + Durations.format(max)));
      }
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(field, e.getMessage()));
    }
  }

  private static void checkVaryBy(String at, VaryBy varyBy, List<FieldError> errors) {
    tokens(at + ".headers", varyBy.headers(), "header", errors);
    tokens(at + ".cookies", varyBy.cookies(), "cookie", errors);
    QueryKeying query = varyBy.query();
    if (query == null) {
      return;
    }
    if (query.keep() != null && query.drop() != null) {
      errors.add(new FieldError(at + ".query", "set keep or drop, not both"));
    }
    if (Boolean.TRUE.equals(query.ignore()) && (query.keep() != null || query.drop() != null)) {
      errors.add(new FieldError(at + ".query.ignore",
          "ignore: true leaves the whole query string out of the key, so keep/drop would do nothing: remove one"));
    }
    nonEmpty(at + ".query.keep", query.keep(), errors);
    nonEmpty(at + ".query.drop", query.drop(), errors);
  }

  private static void tokens(String at, List<String> names, String what, List<FieldError> errors) {
    if (names == null) {
      return;
    }
    for (int i = 0; i < names.size(); i++) {
      if (!HttpSyntax.isToken(names.get(i))) {
        errors.add(new FieldError(at + "[" + i + "]", "'" + names.get(i) + "' is not a valid " + what
            + " name (letters, digits and !#$%&'*+-.^_`|~, no spaces or separators)"));
      }
    }
  }

  private static void nonEmpty(String at, List<String> names, List<FieldError> errors) {
    if (names == null) {
      return;
    }
    for (int i = 0; i < names.size(); i++) {
      if (PolicyValidator.isBlank(names.get(i))) {
        errors.add(new FieldError(at + "[" + i + "]", "is empty: name a query parameter"));
      }
    }
  }

  /**
   * Authorization in the key with a Shared scope says two contradicting things; PerUser is what
   * makes the sidecar keep the entry to that identity. Reported where it was written: the varyBy
   * entry, else the rule's scope overriding the defaults' (an inherited pair is reported once, on
   * the defaults).
   */
  private static void checkAuthorizationScope(String at, CacheSettings own, CacheSettings site, List<FieldError> errors) {
    VaryBy varyBy = pick(own, site, CacheSettings::varyBy);
    Scope scope = Objects.requireNonNullElse(pick(own, site, CacheSettings::scope), Scope.SHARED);
    if (varyBy == null || varyBy.headers() == null || scope == Scope.PER_USER) {
      return;
    }
    int index = indexOfIgnoreCase(varyBy.headers(), "Authorization");
    if (index < 0) {
      return;
    }
    String fix = "varying by Authorization requires scope: PerUser, so that one user's response is never served to another";
    if (own.varyBy() != null) {
      errors.add(new FieldError(at + ".varyBy.headers[" + index + "]", fix + "; set scope: PerUser"));
    } else if (own.scope() != null) {
      errors.add(new FieldError(at + ".scope", fix + " (the varyBy comes from spec.defaults); set scope: PerUser"));
    }
  }

  static <T> T pick(CacheSettings own, CacheSettings site, Function<CacheSettings, T> field) {
    T value = field.apply(own);
    return value != null ? value : field.apply(site);
  }

  private static int indexOfIgnoreCase(List<String> values, String wanted) {
    for (int i = 0; i < values.size(); i++) {
      if (wanted.equalsIgnoreCase(values.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static void checkCacheControl(String field, String value, List<FieldError> errors) {
    for (String directive : HttpSyntax.directives(value)) {
      if (directive.isEmpty()) {
        errors.add(new FieldError(field, "'" + value + "' has an empty directive: separate directives with single commas, e.g. 'public, max-age=60'"));
        return;
      }
      if (!HttpSyntax.isCacheDirective(directive)) {
        errors.add(new FieldError(field, "'" + directive + "' is not a Cache-Control directive: use name or name=value"
            + " without spaces around '=', e.g. 'public, max-age=60'"));
        return;
      }
    }
  }
}
