package io.cudawasm.kernels.kir;

/** Rendezvous points: all threads of a block, or of a warp. */
public enum BarrierKind {
    BLOCK,
    WARP
}
