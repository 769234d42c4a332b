package io.cachemesh.api.validation;

import static io.cachemesh.api.TestPolicies.assertOnlyError;
import static io.cachemesh.api.TestPolicies.assertValid;
import static io.cachemesh.api.TestPolicies.withUpstream;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks of each rule and of spec.defaults: names, methods, paths, durations, keying, Cache-Control. */
class RuleChecksTest {

  static Stream<Arguments> invalidRules() {
    return Stream.of(
        // names
        Arguments.of("rules: [{ttl: 1m}]", "spec.rules[0].name", "is required"),
        Arguments.of("rules: [{name: Product}]", "spec.rules[0].name", "'Product' is not a valid rule name"),
        Arguments.of("rules: [{name: " + "a".repeat(64) + "}]", "spec.rules[0].name", "at most 63"),
        Arguments.of("rules: [{name: -product}]", "spec.rules[0].name", "starting and ending with a letter or digit"),
        Arguments.of("rules: [{name: default}]", "spec.rules[0].name", "reserved for spec.defaults"),
        Arguments.of("""
            rules:
              - {name: a, match: {path: {prefix: /a}}}
              - {name: b, match: {path: {prefix: /b}}}
              - {name: a, match: {path: {prefix: /c}}}
            """, "spec.rules[2].name", "duplicate rule name 'a' (also spec.rules[0])"),
        // methods
        Arguments.of("rules: [{name: a, match: {methods: [FETCH]}}]", "spec.rules[0].match.methods[0]", "unknown method 'FETCH'"),
        Arguments.of("rules: [{name: a, match: {methods: [GET, TRACE]}}]", "spec.rules[0].match.methods[1]", "use GET, HEAD, POST"),
        Arguments.of("rules: [{name: a, match: {methods: [GET, post]}}]", "spec.rules[0].match.methods[1]",
            "only GET and HEAD are served from cache; set cache: false to pass other methods through"),
        Arguments.of("defaults: {cache: true}\nrules: [{name: a, match: {methods: [DELETE]}}]", "spec.rules[0].match.methods[0]",
            "only GET and HEAD are served from cache"),
        Arguments.of("defaults: {cache: false}\nrules: [{name: a, cache: true, match: {methods: [OPTIONS]}}]", "spec.rules[0].match.methods[0]",
            "only GET and HEAD are served from cache"),
        // path match
        Arguments.of("rules: [{name: a, match: {path: {}}}]", "spec.rules[0].match.path", "set one of exact, prefix, template or regex"),
        Arguments.of("rules: [{name: a, match: {path: {exact: /a, prefix: /b}}}]", "spec.rules[0].match.path",
            "set exactly one of exact, prefix, template or regex, not exact and prefix"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/a/{id}', regex: '^/a$'}}}]", "spec.rules[0].match.path",
            "not template and regex"),
        Arguments.of("rules: [{name: a, match: {path: {exact: search}}}]", "spec.rules[0].match.path.exact", "must start with /"),
        Arguments.of("rules: [{name: a, match: {path: {prefix: 'api/'}}}]", "spec.rules[0].match.path.prefix", "must start with /"),
        Arguments.of("rules: [{name: a, match: {path: {exact: '/search?q=1'}}}]", "spec.rules[0].match.path.exact",
            "matched without the query string"),
        Arguments.of("rules: [{name: a, match: {path: {template: 'products/{id}'}}}]", "spec.rules[0].match.path.template", "must start with /"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/products/{id'}}}]", "spec.rules[0].match.path.template", "unclosed '{'"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/products/id}'}}}]", "spec.rules[0].match.path.template", "unbalanced '}'"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/p/{id}/{id}'}}}]", "spec.rules[0].match.path.template", "appears twice"),
        Arguments.of("rules: [{name: a, match: {path: {template: '/p/{1d}'}}}]", "spec.rules[0].match.path.template", "must be a letter"),
        Arguments.of("rules: [{name: a, match: {path: {regex: '^/products/(\\d+'}}}]", "spec.rules[0].match.path.regex",
            "not a valid regex: Unclosed group"),
        Arguments.of("rules: [{name: a, match: {path: {regex: '^/a/(?<1x>b)$'}}}]", "spec.rules[0].match.path.regex", "not a valid regex"),
        // durations
        Arguments.of("rules: [{name: a, ttl: 366d}]", "spec.rules[0].ttl", "'366d' is too long: at most 365d"),
        Arguments.of("rules: [{name: a, staleWhileRevalidate: 8761h}]", "spec.rules[0].staleWhileRevalidate", "at most 365d"),
        Arguments.of("rules: [{name: a, staleIfError: 1y}]", "spec.rules[0].staleIfError", "'1y' is not a duration"),
        Arguments.of("rules: [{name: a, errorTtl: 6m}]", "spec.rules[0].errorTtl", "at most 5m"),
        Arguments.of("rules: [{name: a, ttl: 99999999999999999999d}]", "spec.rules[0].ttl", "too long a duration"),
        Arguments.of("defaults: {errorTtl: 301s}", "spec.defaults.errorTtl", "at most 5m"),
        Arguments.of("defaults: {ttl: 5 minutes}", "spec.defaults.ttl", "is not a duration (use e.g. 500ms, 30s"),
        // varyBy
        Arguments.of("rules: [{name: a, varyBy: {headers: [Accept Language]}}]", "spec.rules[0].varyBy.headers[0]", "not a valid header name"),
        Arguments.of("rules: [{name: a, varyBy: {cookies: [sid, 'session;id']}}]", "spec.rules[0].varyBy.cookies[1]", "not a valid cookie name"),
        Arguments.of("defaults: {varyBy: {headers: ['']}}", "spec.defaults.varyBy.headers[0]", "not a valid header name"),
        Arguments.of("rules: [{name: a, varyBy: {query: {keep: [q], drop: [page]}}}]", "spec.rules[0].varyBy.query", "set keep or drop, not both"),
        Arguments.of("rules: [{name: a, varyBy: {query: {ignore: true, keep: [q]}}}]", "spec.rules[0].varyBy.query.ignore", "remove one"),
        Arguments.of("rules: [{name: a, varyBy: {query: {drop: [q, '']}}}]", "spec.rules[0].varyBy.query.drop[1]", "is empty"),
        // Authorization needs PerUser
        Arguments.of("rules: [{name: a, varyBy: {headers: [Accept, authorization]}}]", "spec.rules[0].varyBy.headers[1]",
            "varying by Authorization requires scope: PerUser"),
        Arguments.of("rules: [{name: a, scope: Shared, varyBy: {headers: [Authorization]}}]", "spec.rules[0].varyBy.headers[0]",
            "requires scope: PerUser"),
        Arguments.of("defaults: {scope: Shared}\nrules: [{name: a, varyBy: {headers: [AUTHORIZATION]}}]", "spec.rules[0].varyBy.headers[0]",
            "requires scope: PerUser"),
        Arguments.of("defaults: {varyBy: {headers: [Authorization]}}\nrules: [{name: a}]", "spec.defaults.varyBy.headers[0]",
            "requires scope: PerUser"),
        Arguments.of("defaults: {scope: PerUser, varyBy: {headers: [Authorization]}}\nrules: [{name: a, scope: Shared}]", "spec.rules[0].scope",
            "the varyBy comes from spec.defaults"),
        // clientCacheControl
        Arguments.of("rules: [{name: a, clientCacheControl: public max-age=60}]", "spec.rules[0].clientCacheControl",
            "'public max-age=60' is not a Cache-Control directive"),
        Arguments.of("rules: [{name: a, clientCacheControl: 'max-age = 60'}]", "spec.rules[0].clientCacheControl", "without spaces around '='"),
        Arguments.of("rules: [{name: a, clientCacheControl: 'public,,max-age=60'}]", "spec.rules[0].clientCacheControl", "has an empty directive"),
        Arguments.of("rules: [{name: a, clientCacheControl: ''}]", "spec.rules[0].clientCacheControl", "has an empty directive"),
        Arguments.of("defaults: {clientCacheControl: 'no-cache=\"Set-Cookie'}", "spec.defaults.clientCacheControl", "is not a Cache-Control directive"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalidRules")
  void invalidRuleIsRefusedNamingTheFieldAndTheReason(String spec, String field, String reason) {
    assertOnlyError(withUpstream(spec), field, reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "rules: [{name: b, match: {path: {prefix: /b}}}, {name: c-2, match: {path: {prefix: /c}}}, {name: a}]",
      "rules: [{name: a23456789012345678901234567890123456789012345678901234567890123}]",
      "rules: [{name: a, match: {methods: [get, Head]}}]",
      "rules: [{name: a, cache: false, match: {methods: [POST, put, PATCH, DELETE, OPTIONS, GET, HEAD]}}]",
      "defaults: {cache: false}\nrules: [{name: a, match: {methods: [POST]}}]",
      "rules: [{name: a, match: {path: {exact: /search}}}]",
      "rules: [{name: a, match: {path: {prefix: /}}}]",
      "rules: [{name: a, match: {path: {template: '/shops/{shop}/products/{id}'}}}]",
      "rules: [{name: a, match: {path: {regex: '^/products/(?<id>[0-9]+)(\\.json)?$'}}}]",
      "rules: [{name: a, ttl: 365d, staleWhileRevalidate: 8760h, staleIfError: 1h30m, errorTtl: 5m}]",
      "rules: [{name: a, ttl: 0s, errorTtl: 500ms}]",
      "defaults: {ttl: 2m, errorTtl: 300s}",
      "rules: [{name: a, varyBy: {headers: [Accept-Language, X-Device], cookies: [sessionid, __Host-sid]}}]",
      "rules: [{name: b, match: {path: {prefix: /b}}, varyBy: {query: {drop: ['utm_*'], keepTracking: true}}}, {name: a, varyBy: {query: {keep: [q]}}}]",
      "rules: [{name: a, varyBy: {query: {ignore: true}}}]",
      "rules: [{name: a, scope: PerUser, varyBy: {headers: [Authorization]}}]",
      "defaults: {scope: PerUser}\nrules: [{name: a, varyBy: {headers: [authorization]}}]",
      "defaults: {scope: PerUser, varyBy: {headers: [Authorization]}}\nrules: [{name: a, ttl: 1m}]",
      "rules: [{name: a, varyBy: {cookies: [sessionid]}}]",
      "rules: [{name: a, clientCacheControl: 'public, max-age=60'}]",
      "rules: [{name: a, clientCacheControl: 'no-cache=\"Set-Cookie, X-Id\", max-age=0,must-revalidate'}]",
      "defaults: {clientCacheControl: private}",
  })
  void validRulePasses(String spec) {
    assertValid(withUpstream(spec));
  }
}
