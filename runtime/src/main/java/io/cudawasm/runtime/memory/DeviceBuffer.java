package io.cudawasm.runtime.memory;

/**
 * A device allocation. {@code address} is what kernels see as the pointer on the back end that
 * made it (an offset into linear memory on the CPU path, a device address on GPUs).
 */
public record DeviceBuffer(int id, long address, long size) {}
