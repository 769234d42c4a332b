package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.tags) || has(self.paths) || has(self.prefixes) || (has(self.all) && self.all)",
    message = "name what to purge: tags, paths, prefixes or all")
@ValidationRule(value = "self == oldSelf", message = "a CacheInvalidation is immutable: create a new one")
public record CacheInvalidationSpec(
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    @JsonPropertyDescription("Name of the CachePolicy in this namespace whose caches are purged.")
    String policyRef,
    @Size(max = 1000)
    @JsonPropertyDescription("Drop entries carrying any of these tags.")
    List<String> tags,
    @Size(max = 1000)
    @JsonPropertyDescription("Drop entries for these exact paths (with any query string).")
    List<String> paths,
    @Size(max = 100)
    @JsonPropertyDescription("Drop entries whose path starts with any of these.")
    List<String> prefixes,
    @JsonPropertyDescription("Drop everything cached under the policy.")
    Boolean all,
    @JsonPropertyDescription("Hard (drop) or Soft (serve stale while one request refetches). Default: the policy's mode.")
    PurgeMode mode,
    @Min(0)
    @JsonPropertyDescription("Delete this object that many seconds after it was published or failed.")
    Integer ttlSecondsAfterFinished) {}
