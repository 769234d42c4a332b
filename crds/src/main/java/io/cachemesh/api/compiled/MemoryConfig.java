package io.cachemesh.api.compiled;

public record MemoryConfig(long maxSizeBytes, long maxObjectSizeBytes) {}
