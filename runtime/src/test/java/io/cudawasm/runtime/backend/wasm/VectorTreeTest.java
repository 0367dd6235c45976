package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.kernels.abi.VectorRowAbi.ADD;
import static io.cudawasm.kernels.abi.VectorRowAbi.DIV;
import static io.cudawasm.kernels.abi.VectorRowAbi.LOAD0;
import static io.cudawasm.kernels.abi.VectorRowAbi.LOAD1;
import static io.cudawasm.kernels.abi.VectorRowAbi.LOAD2;
import static io.cudawasm.kernels.abi.VectorRowAbi.MUL;
import static io.cudawasm.kernels.abi.VectorRowAbi.SUB;
import static io.cudawasm.kernels.abi.VectorRowAbi.UNIFORM0;
import static io.cudawasm.runtime.backend.wasm.VectorRowsTest.program;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Memory;
import io.cudawasm.kernels.abi.KernelAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorTree} against a reference that runs the loop's steps and each step's threads one by
 * one, in order, on a copy of the memory: the memories must agree bit for bit (NaN payloads included,
 * no operation here meeting two NaNs: the values are finite), and every refusal must leave the memory
 * untouched.
 */
class VectorTreeTest {
    private static final long LOW = Math.max(KernelAbi.GUARD_BYTES, Memory.PAGE_SIZE);
    private static final long END = 3L * Memory.PAGE_SIZE;
    private static final long SUM = program(LOAD0, LOAD1, ADD);

    /** The call's arguments, the program aside: {start, dst, dstStep, src0, step0, src1, step1, src2, step2}. */
    private record Tree(int columns, long start, long dst, long dstStep, long[] src, long[] step, float u) {}

    private static FlatMemory memory(int seed) {
        FlatMemory m = new FlatMemory(3, 3, Memory.PAGE_SIZE);
        ByteBuffer b = ByteBuffer.wrap(m.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i + 4 <= b.capacity(); i += 4) {
            b.putFloat(i, (r.nextFloat() - 0.5f) * (1 << r.nextInt(20)));
        }
        return m;
    }

    private static int run(FlatMemory m, long program, Tree t) {
        return VectorTree.run(m, program, t.columns(), t.start(), t.dst(), t.dstStep(), t.src()[0], t.step()[0],
                t.src()[1], t.step()[1], t.src()[2], t.step()[2], t.u(), 0f, 0f);
    }

    /** The threads one by one, per VectorTreeAbi: programs of the symbols used here. */
    private static void reference(FlatMemory m, long program, Tree t) {
        ByteBuffer b = ByteBuffer.wrap(m.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int guard = m.guard();
        for (long s = t.start(); s > 0; s >>= 1) {
            for (int th = 0; th < Math.min(s, t.columns()); th++) {
                float[] stack = new float[8];
                int top = 0;
                for (int i = 0; i < 16; i++) {
                    int symbol = (int) (program >>> 4 * i) & 0xF;
                    if (symbol == 0) {
                        break;
                    }
                    if (symbol >= LOAD0 && symbol <= LOAD2) {
                        int k = symbol - LOAD0;
                        stack[top++] = b.getFloat((int) (t.src()[k] + t.step()[k] * s + 4L * th - guard));
                    } else if (symbol == UNIFORM0) {
                        stack[top++] = t.u();
                    } else {
                        float y = stack[--top];
                        float x = stack[--top];
                        stack[top++] = switch (symbol) {
                            case ADD -> x + y;
                            case SUB -> x - y;
                            case MUL -> x * y;
                            case DIV -> x / y;
                            default -> throw new IllegalArgumentException("symbol " + symbol);
                        };
                    }
                }
                b.putFloat((int) (t.dst() + t.dstStep() * s + 4L * th - guard), stack[0]);
            }
        }
    }

    private static void agrees(String what, long program, Tree t) {
        FlatMemory got = memory(7);
        FlatMemory expected = memory(7);
        assertEquals(1, run(got, program, t), what);
        reference(expected, program, t);
        assertArrayEquals(expected.bytes(), got.bytes(), what);
    }

    private static void refuses(String what, FlatMemory m, long program, Tree t) {
        byte[] before = m.bytes().clone();
        assertEquals(0, run(m, program, t), what);
        assertArrayEquals(before, m.bytes(), what);
    }

    @Test
    void treesMatchTheThreadsOneByOne() {
        assertTrue(VectorRows.available(), "the tests run with the vector module");
        long s = LOW + 4096;
        for (int columns : new int[] {1, 2, 7, 16, 33, 256, 1024}) {
            // s[t] += s[t + st], from columns / 2
            agrees("sum of " + columns, SUM, new Tree(columns, Math.max(1, columns / 2), s, 0, new long[] {s, s, 0},
                    new long[] {0, 4, 0}, 0f));
        }
        // a start above the row (threads below min(st, columns) take part), a uniform, three sources
        long p = program(LOAD0, LOAD1, SUB, UNIFORM0, MUL, LOAD2, DIV);
        agrees("three sources", p, new Tree(100, 300, s, 0, new long[] {s, s, LOW + 40000}, new long[] {0, 4, -4}, 0.75f));
        // the destination moving with the counter, away from its sources
        agrees("moving destination", SUM, new Tree(64, 64, LOW + 60000, 8, new long[] {s, s + 4, 0},
                new long[] {4, 4, 0}, 0f));
    }

    @Test
    void refusesWhatItCannotRunExactly() {
        long s = LOW + 4096;
        Tree ok = new Tree(256, 128, s, 0, new long[] {s, s, 0}, new long[] {0, 4, 0}, 0f);
        assertEquals(1, run(memory(7), SUM, ok));
        refuses("no trips", memory(7), SUM, new Tree(256, 0, s, 0, ok.src(), ok.step(), 0f));
        refuses("a negative start", memory(7), SUM, new Tree(256, -8, s, 0, ok.src(), ok.step(), 0f));
        refuses("a start of 2^31", memory(7), SUM, new Tree(256, 1L << 31, s, 0, ok.src(), ok.step(), 0f));
        refuses("no columns", memory(7), SUM, new Tree(0, 128, s, 0, ok.src(), ok.step(), 0f));
        refuses("more columns than a block", memory(7), SUM, new Tree(1025, 128, s, 0, ok.src(), ok.step(), 0f));
        refuses("a destination below the guard", memory(7), SUM, new Tree(256, 128, LOW - 8, 0,
                new long[] {LOW - 8, LOW - 8, 0}, ok.step(), 0f));
        refuses("a source past the end", memory(7), SUM, new Tree(256, 128, END - 768, 0,
                new long[] {END - 768, END - 768, 0}, ok.step(), 0f));
        refuses("a source overlapping the destination", memory(7), SUM, new Tree(256, 128, s, 0,
                new long[] {s, s + 4, 0}, new long[] {0, 0, 0}, 0f));
        refuses("a step too large", memory(7), SUM, new Tree(256, 128, s, 0, ok.src(), new long[] {0, 1L << 40, 0}, 0f));
        refuses("an invalid program", memory(7), 0xFL, ok);
        FlatMemory off = memory(7);
        off.vectorRows(false);
        refuses("host rows off", off, SUM, ok);
    }
}
