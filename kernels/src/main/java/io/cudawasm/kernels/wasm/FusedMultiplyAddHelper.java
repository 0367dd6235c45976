package io.cudawasm.kernels.wasm;

import java.util.List;

/**
 * {@code fmaf} (CUDA's {@code fmaf}, PTX's {@code fma.rn.f32}, which nvcc contracts {@code a * b + c}
 * into everywhere) without a host call: WebAssembly has no fused multiply-add, and a host call per
 * fma costs far more than the arithmetic.
 *
 * <p>The product of two floats is exact in double precision; the sum {@code s} rounded to double and
 * then to float is the correctly rounded result unless {@code s} landed exactly on a midpoint between
 * two floats (then the first rounding may decide the second: no midpoint lies strictly between the
 * exact sum and its nearest double). Only when {@code s} may be a midpoint (its low 28 bits are zero:
 * a normal midpoint has low 29 bits 0x10000000, a subnormal one at least 29 trailing zero bits) the
 * sum is rounded to odd instead, with TwoSum's exact error, which makes the final rounding correct
 * (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums", 2008).
 *
 * <p>The common path is emitted inline ({@link #emitInline}); the rare one is this module function,
 * {@code (p, c, s) -> s rounded to odd}, so kernels stay compact and the JVM's hot code has no call.
 */
final class FusedMultiplyAddHelper {
    static final String NAME = "__cw_fmaf_round_to_odd";
    static final FuncType TYPE = new FuncType(List.of(ValType.F64, ValType.F64, ValType.F64), List.of(ValType.F64));

    private static final long LOW_28_BITS = (1L << 28) - 1;
    private static final int P = 0;
    private static final int CD = 1;
    private static final int S = 2;
    private static final int BITS = 3;
    private static final int BB = 4;
    private static final int ERR = 5;

    private FusedMultiplyAddHelper() {}

    /**
     * {@code fmaf(a, b, c)} inline: {@code a}, {@code b} and {@code c} are emitted by the callers'
     * runnables; {@code p}, {@code cd} and {@code s} are scratch f64 locals of the calling function.
     */
    static void emitInline(FunctionEmitter f, CodeWriter w, int helper, Runnable a, Runnable b, Runnable c) {
        int p = f.scratchLocal(ValType.F64);
        int cd = f.scratchLocal(ValType.F64);
        int s = f.scratchLocal(ValType.F64);
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
        w.i64Const(LOW_28_BITS);
        w.op(0x83, "i64.and");
        w.op(0x50, "i64.eqz");
        w.ifThen(f.newLabel("fma_midpoint"), null);
        f.getLocal(p);
        f.getLocal(cd);
        f.getLocal(s);
        w.call(helper, NAME);
        f.setLocal(s);
        w.end();
        f.getLocal(s);
        w.op(0xB6, "f32.demote_f64");
        f.releaseLocal(ValType.F64, s);
        f.releaseLocal(ValType.F64, cd);
        f.releaseLocal(ValType.F64, p);
    }

    static void define(ModuleWriter writer, int index) {
        CodeWriter w = new CodeWriter();
        w.localGet(S, "s");
        w.op(0xBD, "i64.reinterpret_f64");
        w.localSet(BITS, "bits");
        // TwoSum: bb = s - p; err = (p - (s - bb)) + (cd - bb), so that s + err == p + cd exactly
        w.localGet(S, "s");
        w.localGet(P, "p");
        w.op(0xA1, "f64.sub");
        w.localSet(BB, "bb");
        w.localGet(P, "p");
        w.localGet(S, "s");
        w.localGet(BB, "bb");
        w.op(0xA1, "f64.sub");
        w.op(0xA1, "f64.sub");
        w.localGet(CD, "cd");
        w.localGet(BB, "bb");
        w.op(0xA1, "f64.sub");
        w.op(0xA0, "f64.add");
        w.localSet(ERR, "err");
        // round to odd: an inexact, finite s with an even last bit steps one ulp toward the exact sum
        w.localGet(ERR, "err");
        w.f64Const(0);
        w.op(0x62, "f64.ne");
        w.localGet(BITS, "bits");
        w.i64Const(1);
        w.op(0x83, "i64.and");
        w.op(0x50, "i64.eqz");
        w.op(0x71, "i32.and");
        w.localGet(S, "s");
        w.op(0x99, "f64.abs");
        w.f64Const(Double.POSITIVE_INFINITY);
        w.op(0x63, "f64.lt");
        w.op(0x71, "i32.and");
        w.ifThen("round_to_odd", null);
        w.localGet(BITS, "bits");
        w.i64Const(1);
        w.i64Const(-1);
        w.localGet(ERR, "err");
        w.f64Const(0);
        w.op(0x64, "f64.gt");
        w.localGet(S, "s");
        w.f64Const(0);
        w.op(0x64, "f64.gt");
        w.op(0x46, "i32.eq");
        w.select();
        w.op(0x7C, "i64.add");
        w.op(0xBF, "f64.reinterpret_i64");
        w.localSet(S, "s");
        w.end();
        w.localGet(S, "s");
        writer.define(index, List.of(ValType.I64, ValType.F64, ValType.F64), List.of("bits", "bb", "err"), w);
    }
}
