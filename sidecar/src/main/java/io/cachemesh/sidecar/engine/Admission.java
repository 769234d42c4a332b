package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.key.RequestKey;
import io.cachemesh.sidecar.semantics.CacheControl;
import java.util.List;

/**
 * The first step: which rule, whether the request may use the cache at all (unsafe methods,
 * rules with {@code cache: false}, identity without keying), and its primary key.
 */
final class Admission {
  private Admission() {}

  static Exchange admit(CacheRequest request, ConfigPlan p) {
    Exchange c = new Exchange();
    c.request = request;
    c.plan = p;
    c.rp = p.ruleFor(request.method(), request.path());
    String method = request.method();
    c.head = method.equals("HEAD");
    if (!c.head && !method.equals("GET")) {
      c.unsafe = !method.equals("OPTIONS") && !method.equals("TRACE");
      c.bypassReason = "method";
      return c;
    }
    if (!c.rp.rule().cache()) {
      c.bypassReason = "rule";
      return c;
    }
    List<String> cc = request.headers().all("Cache-Control");
    c.requestCc = cc.isEmpty() && request.headers().first("Pragma").map(v -> v.contains("no-cache")).orElse(false)
        ? CacheControl.parse("no-cache") : CacheControl.parse(cc);
    RequestKey key = c.rp.keys().keyFor(request);
    c.authorization = key.authorization();
    if (key.bypassed()) {
      c.bypassReason = key.bypassReason();
      return c;
    }
    c.primary = key.primary();
    return c;
  }
}
