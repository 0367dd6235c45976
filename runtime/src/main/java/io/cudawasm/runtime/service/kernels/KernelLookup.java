package io.cudawasm.runtime.service.kernels;

/** A kernel and where it was found. */
public record KernelLookup(LoadedKernel kernel, KernelSourceKind source) {}
