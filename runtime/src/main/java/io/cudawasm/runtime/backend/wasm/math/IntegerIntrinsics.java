package io.cudawasm.runtime.backend.wasm.math;

/** CUDA integer intrinsics that have no single WebAssembly instruction. */
final class IntegerIntrinsics {

    private IntegerIntrinsics() {
    }

    static int brev(int x) {
        return Integer.reverse(x);
    }

    static long brevll(long x) {
        return Long.reverse(x);
    }

    /** High 64 bits of the signed 128-bit product. */
    static long mul64hi(long a, long b) {
        return Math.multiplyHigh(a, b);
    }

    /**
     * High 64 bits of the unsigned 128-bit product. Reading a negative long as unsigned adds 2^64, so the unsigned
     * product exceeds the signed one by (a &lt; 0 ? b : 0) + (b &lt; 0 ? a : 0) times 2^64 (mod 2^128).
     */
    static long umul64hi(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}
