package io.cudawasm.runtime.graph;

/**
 * The value a kernel left a CUDA graph conditional handle with ({@code cudaGraphSetConditional}):
 * what a graph's conditional node would read after the kernel.
 *
 * @param handle the handle as the kernel received it (a {@code cudaGraphConditionalHandle}, 64 bits)
 * @param value the last value set (unsigned 32 bits)
 */
public record GraphConditional(long handle, long value) {}
