package io.cudawasm.runtime.cache;

/** How {@link KernelCache} satisfied one getOrCompute call; {@code message} explains non-plain outcomes. */
record Resolution(CacheEntry entry, WarmOutcome.Status status, String message) {}
