package io.cudawasm.kernels.kir;

/** __shfl_sync (IDX), __shfl_up_sync, __shfl_down_sync, __shfl_xor_sync. */
public enum ShuffleMode {
    IDX,
    UP,
    DOWN,
    XOR
}
