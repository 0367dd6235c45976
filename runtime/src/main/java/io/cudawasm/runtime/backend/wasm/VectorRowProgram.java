package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;

/**
 * A vector row's program ({@link VectorRowAbi}) or an accumulating row's term
 * ({@link VectorAccumulateAbi}) that passed validation: postfix symbols, four bits each from the
 * lowest, ended by {@link VectorRowAbi#END}, every operation finding its two operands, exactly one
 * value left; the {@code BROADCAST} symbols only in an accumulating row's program.
 *
 * @param code the program as the kernel passed it
 * @param accumulating whether it is an accumulating row's term (the routine cache keeps the two
 *     kinds apart: one code may be valid as both, and their routines differ)
 * @param length the symbols before the end
 * @param loads bit {@code k} set when the program reads source {@code k} per thread ({@code LOADk})
 * @param broadcasts bit {@code k} set when the program reads source {@code k}'s row-wide float
 *     ({@code BROADCASTk}); always 0 for a vector row
 * @param uniforms bit {@code k} set when the program reads row-wide value {@code k}
 */
record VectorRowProgram(long code, boolean accumulating, int length, int loads, int broadcasts, int uniforms) {
    /**
     * Operand stack depth a program may reach. Fifteen symbols cannot go deeper than eight values
     * (eight pushes and seven operations), so this refuses nothing today; it keeps the generated
     * code's stack bounded should the symbol limit ever grow.
     */
    static final int MAX_DEPTH = 8;

    /** The symbol at {@code index} (0 &le; index &lt; length). */
    int symbol(int index) {
        return (int) (code >>> (4 * index)) & 0xF;
    }

    /** Whether the program reads source {@code k}. */
    boolean readsLoad(int k) {
        return (loads & (1 << k)) != 0;
    }

    /** Whether the program reads source {@code k}'s row-wide float (an accumulating row's {@code BROADCASTk}). */
    boolean readsBroadcast(int k) {
        return (broadcasts & (1 << k)) != 0;
    }

    /** Whether the program reads row-wide value {@code k}. */
    boolean readsUniform(int k) {
        return (uniforms & (1 << k)) != 0;
    }

    /** The vector row program {@code code} stands for, or null: {@link #parse(long, boolean)} without broadcasts. */
    static VectorRowProgram parse(long code) {
        return parse(code, false);
    }

    /**
     * The program {@code code} stands for, or null when it is not a valid program: an unknown symbol
     * (the {@code BROADCAST} symbols are unknown unless {@code accumulating}),
     * an operation with fewer than two values below it, a stack deeper than {@link #MAX_DEPTH}, no
     * value or more than one at the end, more than {@link VectorRowAbi#MAX_SYMBOLS} symbols, or
     * anything but zero bits after the end (one program, one spelling: the routine cache's key).
     */
    static VectorRowProgram parse(long code, boolean accumulating) {
        int depth = 0;
        int loads = 0;
        int broadcasts = 0;
        int uniforms = 0;
        for (int i = 0; i <= VectorRowAbi.MAX_SYMBOLS; i++) {
            int symbol = (int) (code >>> (4 * i)) & 0xF;
            if (symbol == VectorRowAbi.END) {
                boolean restClear = i == 15 || (code >>> (4 * (i + 1))) == 0;
                return depth == 1 && restClear ? new VectorRowProgram(code, accumulating, i, loads, broadcasts, uniforms) : null;
            }
            if (i == VectorRowAbi.MAX_SYMBOLS) {
                return null; // a sixteenth symbol: no room for the end
            }
            if (symbol >= VectorRowAbi.LOAD0 && symbol <= VectorRowAbi.LOAD2) {
                loads |= 1 << (symbol - VectorRowAbi.LOAD0);
                depth++;
            } else if (symbol >= VectorRowAbi.UNIFORM0 && symbol <= VectorRowAbi.UNIFORM2) {
                uniforms |= 1 << (symbol - VectorRowAbi.UNIFORM0);
                depth++;
            } else if (accumulating && symbol >= VectorAccumulateAbi.BROADCAST0 && symbol <= VectorAccumulateAbi.BROADCAST2) {
                broadcasts |= 1 << (symbol - VectorAccumulateAbi.BROADCAST0);
                depth++;
            } else if (symbol >= VectorRowAbi.ADD && symbol <= VectorRowAbi.DIV) {
                if (depth < 2) {
                    return null;
                }
                depth--;
            } else {
                return null; // 14, 15 name nothing, nor 11..13 (the broadcasts) in a vector row
            }
            if (depth > MAX_DEPTH) {
                return null;
            }
        }
        return null; // unreachable: the loop returns at the end or at the sixteenth symbol
    }
}
