package io.cudawasm.kernels.wasm;

/**
 * {@code fmaf} (CUDA's {@code fmaf}, PTX's {@code fma.rn.f32}, which nvcc contracts {@code a * b + c}
 * into everywhere), inline: WebAssembly has no fused multiply-add, and a host call per fma costs ten
 * times the arithmetic.
 *
 * <p>The product of two floats is exact in double precision; the sum {@code s} rounded to double and
 * then to float is the correctly rounded result unless {@code s} landed exactly on a midpoint between
 * two floats (then the first rounding may decide the second: no midpoint lies strictly between the
 * exact sum and its nearest double). Only when {@code s} may be a midpoint (its low 28 bits are zero:
 * a normal midpoint has low 29 bits 0x10000000, a subnormal one at least 29 trailing zero bits) the
 * sum is rounded to odd instead, with TwoSum's exact error, which makes the final rounding correct
 * (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums", 2008).
 *
 * <p>Measured shape (bench/RESULTS.md): the rare path inline too. As a call to a module function
 * it cost saxpy 15–40 %, even though it is taken only for sums with few significant bits; exact
 * tests for "midpoint or subnormal range" and branch-free rounding to odd were slower still.
 */
final class FusedMultiplyAdd {
    private static final long LOW_28_BITS = (1L << 28) - 1;

    private FusedMultiplyAdd() {}

    /** Emits {@code fmaf(a, b, c)}; the runnables emit the three f32 operands in order. */
    static void emit(FunctionEmitter f, CodeWriter w, Runnable a, Runnable b, Runnable c) {
        int p = f.scratchLocal(ValType.F64);
        int cd = f.scratchLocal(ValType.F64);
        int s = f.scratchLocal(ValType.F64);
        int bits = f.scratchLocal(ValType.I64);
        int err = f.scratchLocal(ValType.F64);
        // p = (double) a * (double) b, exact; s = p + (double) c
        a.run();
        w.op(0xBB, "f64.promote_f32");
        b.run();
        w.op(0xBB, "f64.promote_f32");
        w.op(0xA2, "f64.mul");
        f.teeLocal(p);
        c.run();
        w.op(0xBB, "f64.promote_f32");
        f.teeLocal(cd);
        w.op(0xA0, "f64.add");
        f.teeLocal(s);
        w.op(0xBD, "i64.reinterpret_f64");
        f.teeLocal(bits);
        w.i64Const(LOW_28_BITS);
        w.op(0x83, "i64.and");
        w.op(0x50, "i64.eqz");
        w.ifThen(f.newLabel("fma_maybe_midpoint"), null);
        // TwoSum: err = (p - (s - bb)) + (cd - bb) with bb = s - p (kept in err first): s + err == p + cd
        f.getLocal(s);
        f.getLocal(p);
        w.op(0xA1, "f64.sub");
        f.setLocal(err);
        f.getLocal(p);
        f.getLocal(s);
        f.getLocal(err);
        w.op(0xA1, "f64.sub");
        w.op(0xA1, "f64.sub");
        f.getLocal(cd);
        f.getLocal(err);
        w.op(0xA1, "f64.sub");
        w.op(0xA0, "f64.add");
        f.setLocal(err);
        // round to odd: an inexact, finite s with an even last bit steps one ulp toward the exact sum
        againstZero(f, w, err, 0x62, "f64.ne");
        f.getLocal(bits);
        w.i64Const(1);
        w.op(0x83, "i64.and");
        w.op(0x50, "i64.eqz");
        w.op(0x71, "i32.and");
        f.getLocal(s);
        w.op(0x99, "f64.abs");
        w.f64Const(Double.POSITIVE_INFINITY);
        w.op(0x63, "f64.lt");
        w.op(0x71, "i32.and");
        w.ifThen(f.newLabel("fma_round_to_odd"), null);
        f.getLocal(bits);
        w.i64Const(1);
        w.i64Const(-1);
        againstZero(f, w, err, 0x64, "f64.gt");
        againstZero(f, w, s, 0x64, "f64.gt");
        w.op(0x46, "i32.eq");
        w.select();
        w.op(0x7C, "i64.add");
        w.op(0xBF, "f64.reinterpret_i64");
        f.setLocal(s);
        w.end();
        w.end();
        f.getLocal(s);
        w.op(0xB6, "f32.demote_f64");
        f.releaseLocal(ValType.F64, err);
        f.releaseLocal(ValType.I64, bits);
        f.releaseLocal(ValType.F64, s);
        f.releaseLocal(ValType.F64, cd);
        f.releaseLocal(ValType.F64, p);
    }

    /** {@code local <op> 0.0} for an f64 local. */
    private static void againstZero(FunctionEmitter f, CodeWriter w, int local, int opcode, String mnemonic) {
        f.getLocal(local);
        w.f64Const(0);
        w.op(opcode, mnemonic);
    }
}
