package io.cudawasm.kernels.kir;

/** __threadfence_block, __threadfence, __threadfence_system. */
public enum FenceScope {
    BLOCK,
    DEVICE,
    SYSTEM
}
