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
 * A one-shot purge of a policy's caches, published once by the operator to the policy's broker
 * stream. The way {@code kubectl apply} and GitOps hooks purge.
 */
@Group(CachePolicy.GROUP)
@Version(CachePolicy.VERSION)
@Singular("cacheinvalidation")
@Plural("cacheinvalidations")
@ShortNames({"cinv"})
@AdditionalPrinterColumn(name = "POLICY", jsonPath = ".spec.policyRef", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "ACKED", jsonPath = ".status.acknowledgedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public final class CacheInvalidation extends CustomResource<CacheInvalidationSpec, CacheInvalidationStatus>
    implements Namespaced {
  public static final String KIND = "CacheInvalidation";
}
