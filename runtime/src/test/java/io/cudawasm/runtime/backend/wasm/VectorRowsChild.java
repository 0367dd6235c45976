package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;
import java.util.Arrays;

/**
 * A child JVM for {@link VectorRowsTest}'s checks that need a JVM of their own: vector rows decided
 * off by the system property at start, and the program cache filled to its bound (which would leave
 * the test JVM's cache full for every other test).
 */
public final class VectorRowsChild {
    private VectorRowsChild() {}

    public static void main(String[] args) {
        FlatMemory memory = new FlatMemory(2, 2, 0);
        int guard = memory.guard();
        Arrays.fill(memory.bytes(), (byte) 0x3f);
        long copy = VectorRowsTest.program(VectorRowAbi.LOAD0);
        // a destination at a vector boundary of host memory: a row there runs whole vectors from its start
        long dst = VectorRowsTest.hostAligned(guard, guard + 4096);
        switch (args[0]) {
            case "off" -> System.out.println("result available=" + VectorRows.available() + " done="
                    + VectorRows.run(memory, copy, 64, guard + 1024, guard, 0, 0, 0, 0, 0));
            case "cache" -> {
                // one accumulating program and MAX_PROGRAMS - 1 distinct programs LOAD0 (x op) (y op) fill
                // the cache: one bound over both kinds
                long accumulating = VectorRowsTest.program(VectorAccumulateAbi.BROADCAST0, VectorRowAbi.LOAD1,
                        VectorRowAbi.MUL);
                if (accumulate(memory, accumulating) != 64) {
                    System.out.println("result accumulating program refused");
                    return;
                }
                int[] operands = {VectorRowAbi.LOAD0, VectorRowAbi.LOAD1, VectorRowAbi.LOAD2,
                    VectorRowAbi.UNIFORM0, VectorRowAbi.UNIFORM1, VectorRowAbi.UNIFORM2};
                int compiled = 1;
                long next = 0;
                long first = 0;
                outer:
                for (int a : operands) {
                    for (int op = VectorRowAbi.ADD; op <= VectorRowAbi.DIV; op++) {
                        for (int b : operands) {
                            for (int op2 = VectorRowAbi.ADD; op2 <= VectorRowAbi.DIV; op2++) {
                                long program = VectorRowsTest.program(VectorRowAbi.LOAD0, a, op, b, op2);
                                if (compiled == VectorRows.MAX_PROGRAMS) {
                                    next = program;
                                    break outer;
                                }
                                if (VectorRows.run(memory, program, 64, dst, guard, guard + 1024,
                                        guard + 2048, 1, 2, 3) != 64) {
                                    System.out.println("result program " + Long.toHexString(program) + " refused");
                                    return;
                                }
                                first = compiled == 1 ? program : first;
                                compiled++;
                            }
                        }
                    }
                }
                System.out.println("result compiled=" + compiled
                        + " new=" + VectorRows.run(memory, next, 64, dst, guard, guard + 1024, guard + 2048, 1, 2, 3)
                        + " old=" + VectorRows.run(memory, first, 64, dst, guard, guard + 1024, guard + 2048, 1, 2, 3)
                        + " accumulating new=" + accumulate(memory, VectorRowsTest.program(VectorAccumulateAbi.BROADCAST1,
                                VectorRowAbi.LOAD1, VectorRowAbi.MUL))
                        + " old=" + accumulate(memory, accumulating));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** An accumulating row of 64 threads and 2 trips with {@code program} on a memory without guard. */
    private static int accumulate(FlatMemory memory, long program) {
        long low = KernelAbi.GUARD_BYTES;
        return VectorAccumulate.run(memory, program, 64, 1, 2, -1, low + 4096, 4, 0, 0, low, 4, 0, low + 8192, 64, 0, 0, 0,
                0, 0, 0, 0);
    }
}
