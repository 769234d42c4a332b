package io.cachemesh.operator.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;

/** Answers one admission request. The server sets the response's {@code uid}. */
@FunctionalInterface
public interface AdmissionHandler {
  AdmissionResponse handle(AdmissionRequest request) throws MalformedReviewException;
}
