package io.cachemesh.api.compiled;

import io.cachemesh.api.PurgeMode;

public record InvalidationConfig(String tagHeader, boolean exposeTags, boolean purgeOnUnsafe, PurgeMode mode) {}
