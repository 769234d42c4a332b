package io.cachemesh.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * How a set of pods is cached: which pods, where the app listens, the site level ({@code defaults}),
 * the view level ({@code rules}, first match wins), the keyspace and the tiers.
 *
 * <p>The spec is the user's: the operator never writes defaults into it (they are applied when the
 * policy is compiled) and writes only {@code status}.
 */
@Group(CachePolicy.GROUP)
@Version(CachePolicy.VERSION)
@Singular("cachepolicy")
@Plural("cachepolicies")
@ShortNames({"cpol", "cachepol"})
@AdditionalPrinterColumn(name = "READY", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PODS", jsonPath = ".status.selectedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "SYNCED", jsonPath = ".status.inSyncPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "HIT%", jsonPath = ".status.hitPercent", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public final class CachePolicy extends CustomResource<CachePolicySpec, CachePolicyStatus> implements Namespaced {
  public static final String GROUP = "cachemesh.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "CachePolicy";
  public static final String API_VERSION = GROUP + "/" + VERSION;
}
