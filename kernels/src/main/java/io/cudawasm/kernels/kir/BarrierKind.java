package io.cudawasm.kernels.kir;

/**
 * Rendezvous points: all threads of a block, of a warp, or of the whole grid ({@code grid.sync()}
 * of cooperative groups, which only a cooperative launch of the CPU path can run).
 */
public enum BarrierKind {
    BLOCK,
    WARP,
    GRID
}
