package io.cudawasm.runtime.service.jobs;

/** Fills a {@code __constant__} or {@code __device__} variable before a launch (cudaMemcpyToSymbol). */
public record SymbolWrite(String symbol, byte[] data) {}
