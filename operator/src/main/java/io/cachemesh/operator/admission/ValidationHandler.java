package io.cachemesh.operator.admission;

import io.cachemesh.api.validation.FieldError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /validate-cachepolicies} and {@code /validate-cacheinvalidations}: on CREATE and UPDATE runs
 * the shared semantic validator and refuses (code 422, reason Invalid) with every field error in the
 * message ({@code spec.rules[2].ttl: ...; spec.upstream.port: ...}), so {@code kubectl apply} and
 * Argo CD show all of them at once. DELETE and CONNECT are always allowed.
 */
public final class ValidationHandler<T extends HasMetadata> implements AdmissionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ValidationHandler.class);

  private final Class<T> type;
  private final String kind;
  private final Function<T, List<FieldError>> validator;

  public ValidationHandler(Class<T> type, String kind, Function<T, List<FieldError>> validator) {
    this.type = type;
    this.kind = kind;
    this.validator = validator;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) throws MalformedReviewException {
    String operation = request.getOperation();
    if (!"CREATE".equals(operation) && !"UPDATE".equals(operation)) {
      return AdmissionReviews.allow(List.of());
    }
    T object = AdmissionReviews.object(request.getObject(), type, "object");
    List<FieldError> errors = validator.apply(object);
    if (errors.isEmpty()) {
      return AdmissionReviews.allow(List.of());
    }
    String name = object.getMetadata() == null || object.getMetadata().getName() == null
        ? request.getName() : object.getMetadata().getName();
    String message = kind + " " + request.getNamespace() + "/" + name + " is invalid: "
        + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    LOG.info("event=admission_refused kind={} namespace={} name={} errors={}", kind, request.getNamespace(), name,
        errors.size());
    return AdmissionReviews.deny(422, "Invalid", message, List.of());
  }
}
