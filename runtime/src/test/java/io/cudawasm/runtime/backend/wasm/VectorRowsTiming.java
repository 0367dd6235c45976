package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.VectorRowAbi;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Times the generated routines, called through {@link VectorRows#run} with all its checks, against
 * the hand-written Vector API loops of bench/models/ThreadRowModels.java (copied here as they are
 * there), side by side in one JVM on one thread. Not a test: a main to run by hand,
 *
 * <pre>mvn -o -q -pl runtime -am test-compile
 * R=~/.m2/repository
 * java -Xmx2g --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes:kernels/target/classes:\
 * $R/com/dylibso/chicory/runtime/1.7.5/runtime-1.7.5.jar:$R/com/dylibso/chicory/wasm/1.7.5/wasm-1.7.5.jar:\
 * $R/org/ow2/asm/asm/9.9.1/asm-9.9.1.jar:$R/org/slf4j/slf4j-api/2.0.20/slf4j-api-2.0.20.jar \
 *     io.cudawasm.runtime.backend.wasm.VectorRowsTiming</pre>
 *
 * The shapes are the model's: saxpy over 16M floats in rows of 256 threads, and the reduction's
 * eight tree steps {@code s[t] += s[t + st]} after a 1 KiB copy, for 64K blocks.
 */
public final class VectorRowsTiming {
    private VectorRowsTiming() {}

    static final int N = 16 << 20;
    static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final long SAXPY = VectorRowsTest.program(VectorRowAbi.UNIFORM0, VectorRowAbi.LOAD0, VectorRowAbi.MUL,
            VectorRowAbi.LOAD1, VectorRowAbi.ADD);
    static final long SUM = VectorRowsTest.program(VectorRowAbi.LOAD0, VectorRowAbi.LOAD1, VectorRowAbi.ADD);

    static final FlatMemory MEMORY = new FlatMemory(2 * N * 4 / FlatMemory.PAGE_SIZE + 3, 2 * N * 4 / FlatMemory.PAGE_SIZE + 3,
            FlatMemory.PAGE_SIZE);
    static final int GUARD = MEMORY.guard();
    /** Addresses, read from fields as the Wasm path reads its row pointers. */
    static int xBase = GUARD;
    static int yBase = GUARD + N * 4;
    static int shared = GUARD + 2 * N * 4 + 1024;

    /** ThreadRowModels.varHandleRow: the scalar row, and the tail of the vector rows. */
    static void varHandleRow(byte[] m, float a, int x, int y, int count) {
        for (int t = 0; t < count; t++) {
            FLOAT.set(m, y + 4 * t, a * (float) FLOAT.get(m, x + 4 * t) + (float) FLOAT.get(m, y + 4 * t));
        }
    }

    /** ThreadRowModels.vectorRow. */
    static void vectorRow(byte[] m, float a, int x, int y, int count) {
        int t = 0;
        for (int bound = S.loopBound(count); t < bound; t += S.length()) {
            FloatVector vx = FloatVector.fromByteArray(S, m, x + 4 * t, LE);
            FloatVector vy = FloatVector.fromByteArray(S, m, y + 4 * t, LE);
            vx.mul(a).add(vy).intoByteArray(m, y + 4 * t, LE);
        }
        varHandleRow(m, a, x + 4 * t, y + 4 * t, count - t);
    }

    /** The same row through the host call: addresses as the kernel has them, the rest scalar. */
    static void generatedRow(byte[] m, float a, int x, int y, int count) {
        int done = VectorRows.run(MEMORY, SAXPY, count, y + (long) GUARD, x + (long) GUARD, y + (long) GUARD, 0, a, 0, 0);
        varHandleRow(m, a, x + 4 * done, y + 4 * done, count - done);
    }

    /** ThreadRowModels.treeVector. */
    static void treeVector(byte[] m, int s) {
        for (int st = 128; st > 0; st >>= 1) {
            int t = 0;
            for (int bound = S.loopBound(st); t < bound; t += S.length()) {
                FloatVector.fromByteArray(S, m, s + 4 * t, LE).add(FloatVector.fromByteArray(S, m, s + 4 * (t + st), LE))
                        .intoByteArray(m, s + 4 * t, LE);
            }
            treeTail(m, s, st, t);
        }
    }

    static void treeGenerated(byte[] m, int s) {
        for (int st = 128; st > 0; st >>= 1) {
            long d = s + (long) GUARD;
            int t = VectorRows.run(MEMORY, SUM, st, d, d, d + 4L * st, 0, 0, 0, 0);
            treeTail(m, s, st, t);
        }
    }

    static final VectorRowRoutine SUM_ROUTINE = VectorRowCompiler.compile(VectorRowProgram.parse(SUM), VectorRows.lanes());

    /** The routine alone, without VectorRows' checks: what the checks and the cache lookup cost. */
    static void treeRoutine(byte[] m, int s) {
        for (int st = 128; st > 0; st >>= 1) {
            int t = st & -S.length();
            if (t > 0) {
                SUM_ROUTINE.run(m, t, s, s, s + 4 * st, 0, 0, 0, 0);
            }
            treeTail(m, s, st, t);
        }
    }

    static void treeVarHandle(byte[] m, int s) {
        for (int st = 128; st > 0; st >>= 1) {
            treeTail(m, s, st, 0);
        }
    }

    static void treeTail(byte[] m, int s, int st, int from) {
        for (int t = from; t < st; t++) {
            FLOAT.set(m, s + 4 * t, (float) FLOAT.get(m, s + 4 * t) + (float) FLOAT.get(m, s + 4 * (t + st)));
        }
    }

    interface Row {
        void run(byte[] m, float a, int x, int y, int count);
    }

    interface Tree {
        void run(byte[] m, int s);
    }

    /** Best of 15, in ms. */
    static double saxpy(Row row) {
        byte[] m = MEMORY.bytes();
        return best(() -> {
            for (int b = 0; b < N; b += 256) {
                row.run(m, 1.5f, xBase + 4 * b, yBase + 4 * b, 256);
            }
        });
    }

    static double reduce(Tree tree) {
        byte[] m = MEMORY.bytes();
        return best(() -> {
            int s = shared;
            for (int b = 0; b < N / 256; b++) {
                System.arraycopy(m, xBase + b * 1024, m, s, 1024);
                tree.run(m, s);
                FLOAT.set(m, yBase + 4 * b, (float) FLOAT.get(m, s));
            }
        });
    }

    static double best(Runnable work) {
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 15; rep++) {
            long start = System.nanoTime();
            work.run();
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1e6;
    }

    public static void main(String[] args) {
        System.out.println("vector species " + S + ", VectorRows lanes " + VectorRows.lanes() + ", " + System.getProperty("java.vm.version"));
        byte[] m = MEMORY.bytes();
        for (int i = 0; i < N; i++) {
            FLOAT.set(m, xBase - GUARD + 4 * i, (float) (i % 1000) * 0.001f);
            FLOAT.set(m, yBase - GUARD + 4 * i, 1f);
        }
        xBase -= GUARD; // array indices from here on
        yBase -= GUARD;
        shared -= GUARD;
        for (int round = 0; round < 3; round++) {
            System.out.printf("saxpy ms: VarHandle %.2f  hand-written vector %.2f  generated via VectorRows.run %.2f  |  "
                    + "reduction ms: VarHandle %.2f  hand-written vector %.2f  generated via VectorRows.run %.2f  "
                    + "generated, called directly %.2f%n",
                    saxpy(VectorRowsTiming::varHandleRow), saxpy(VectorRowsTiming::vectorRow),
                    saxpy(VectorRowsTiming::generatedRow), reduce(VectorRowsTiming::treeVarHandle),
                    reduce(VectorRowsTiming::treeVector), reduce(VectorRowsTiming::treeGenerated),
                    reduce(VectorRowsTiming::treeRoutine));
        }
    }
}
