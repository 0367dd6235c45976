import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import sun.misc.Unsafe;

/**
 * Plain Java models of the Wasm path's thread rows, to see what HotSpot makes of each way of writing
 * them (bench/RESULTS.md, "Where the scalar path stops"). Not part of the build: run it as a source
 * file on JDK 17 (the byte[] loads of the Vector API used here exist in JDK 17's incubator only):
 *
 * <pre>java --add-modules jdk.incubator.vector bench/models/ThreadRowModels.java</pre>
 *
 * The memory is one byte[] as in FlatMemory; a row is the 256 threads of one block; saxpy is
 * {@code y[i] = a * x[i] + y[i]} over 16M floats, the tree is the block reduction's eight steps
 * {@code s[t] += s[t + st]} after a 1 KiB copy into the block's shared memory.
 */
public class ThreadRowModels {
    static final int N = 16 << 20;
    static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final Unsafe U = unsafe();
    static final long BASE = Unsafe.ARRAY_BYTE_BASE_OFFSET;
    static final int X_CONST = 0;
    static final int Y_CONST = N * 4 + 1024;

    static final byte[] MEM = new byte[N * 8 + 8192];
    /** Where x and y start, read from a field as the Wasm path reads its row pointers. */
    static int xBase = X_CONST;
    static int yBase = Y_CONST;
    static final int SHARED = N * 8 + 1024;

    interface Row {
        void run(byte[] m, float a, int x, int y, int count);
    }

    /** Today's FlatMemory: little-endian VarHandle views (an int load and a bit conversion per float). */
    static void varHandleRow(byte[] m, float a, int x, int y, int count) {
        for (int t = 0; t < count; t++) {
            FLOAT.set(m, y + 4 * t, a * (float) FLOAT.get(m, x + 4 * t) + (float) FLOAT.get(m, y + 4 * t));
        }
    }

    /** Plain float loads and stores through Unsafe, with the range check HotSpot can hoist. */
    static void unsafeRow(byte[] m, float a, int x, int y, int count) {
        for (int t = 0; t < count; t++) {
            long xi = BASE + Objects.checkIndex(x + 4 * t, m.length - 3);
            long yi = BASE + Objects.checkIndex(y + 4 * t, m.length - 3);
            U.putFloat(m, yi, a * U.getFloat(m, xi) + U.getFloat(m, yi));
        }
    }

    /** The same with both bases compile-time constants: the one case superword can prove apart. */
    static void unsafeConstantRow(byte[] m, float a, int x, int y, int count) {
        int first = (x - X_CONST) / 4; // x and y move together: only the row's first element varies
        for (int t = 0; t < count; t++) {
            int i = first + t;
            U.putFloat(m, BASE + Y_CONST + 4L * i, a * U.getFloat(m, BASE + X_CONST + 4L * i) + U.getFloat(m, BASE + Y_CONST + 4L * i));
        }
    }

    /** Vector API, written out by hand: the form a generated vector row would take. */
    static void vectorRow(byte[] m, float a, int x, int y, int count) {
        int t = 0;
        for (int bound = S.loopBound(count); t < bound; t += S.length()) {
            FloatVector vx = FloatVector.fromByteArray(S, m, x + 4 * t, LE);
            FloatVector vy = FloatVector.fromByteArray(S, m, y + 4 * t, LE);
            vx.mul(a).add(vy).intoByteArray(m, y + 4 * t, LE);
        }
        varHandleRow(m, a, x + 4 * t, y + 4 * t, count - t);
    }

    /** Vector API through a small stack interpreter of the row's expression: the vectors are boxed. */
    static void vectorInterpreterRow(byte[] m, float a, int x, int y, int count) {
        int[] program = {1, 0, 0, 0, 3, 0, 0, 1, 2, 0, 4, 1}; // a, x[t], *, y[t], +, store y[t]
        int[] pointers = {x, y};
        FloatVector[] stack = new FloatVector[4];
        int t = 0;
        for (int bound = S.loopBound(count); t < bound; t += S.length()) {
            int sp = 0;
            for (int pc = 0; pc < program.length; pc += 2) {
                int arg = program[pc + 1];
                switch (program[pc]) {
                    case 0 -> stack[sp++] = FloatVector.fromByteArray(S, m, pointers[arg] + 4 * t, LE);
                    case 1 -> stack[sp++] = FloatVector.broadcast(S, a);
                    case 2 -> stack[--sp - 1] = stack[sp - 1].add(stack[sp]);
                    case 3 -> stack[--sp - 1] = stack[sp - 1].mul(stack[sp]);
                    default -> stack[--sp].intoByteArray(m, pointers[arg] + 4 * t, LE);
                }
            }
        }
        varHandleRow(m, a, x + 4 * t, y + 4 * t, count - t);
    }

    static void treeVarHandle(byte[] m, int s) {
        for (int st = 128; st > 0; st >>= 1) {
            for (int t = 0; t < st; t++) {
                FLOAT.set(m, s + 4 * t, (float) FLOAT.get(m, s + 4 * t) + (float) FLOAT.get(m, s + 4 * (t + st)));
            }
        }
    }

    static void treeUnsafe(byte[] m, int s) {
        for (int st = 128; st > 0; st >>= 1) {
            for (int t = 0; t < st; t++) {
                long d = BASE + Objects.checkIndex(s + 4 * t, m.length - 3);
                long e = BASE + Objects.checkIndex(s + 4 * (t + st), m.length - 3);
                U.putFloat(m, d, U.getFloat(m, d) + U.getFloat(m, e));
            }
        }
    }

    static void treeVector(byte[] m, int s) {
        for (int st = 128; st > 0; st >>= 1) {
            int t = 0;
            for (int bound = S.loopBound(st); t < bound; t += S.length()) {
                FloatVector.fromByteArray(S, m, s + 4 * t, LE).add(FloatVector.fromByteArray(S, m, s + 4 * (t + st), LE))
                        .intoByteArray(m, s + 4 * t, LE);
            }
            for (; t < st; t++) {
                FLOAT.set(m, s + 4 * t, (float) FLOAT.get(m, s + 4 * t) + (float) FLOAT.get(m, s + 4 * (t + st)));
            }
        }
    }

    interface Tree {
        void run(byte[] m, int s);
    }

    /** Best of 15 launches, in ms: the blocks split in two halves as the workers' static schedule. */
    static double saxpy(ExecutorService pool, int workers, Row row) throws Exception {
        return best(pool, workers, (w, per) -> {
            for (int b = w * per; b < (w + 1) * per; b += 256) {
                row.run(MEM, 1.5f, xBase + 4 * b, yBase + 4 * b, 256);
            }
        }, N);
    }

    static double reduce(ExecutorService pool, int workers, Tree tree) throws Exception {
        return best(pool, workers, (w, per) -> {
            int s = SHARED + w * 2048;
            for (int b = w * per; b < (w + 1) * per; b++) {
                System.arraycopy(MEM, xBase + b * 1024, MEM, s, 1024);
                tree.run(MEM, s);
                FLOAT.set(MEM, yBase + 4 * b, (float) FLOAT.get(MEM, s));
            }
        }, N / 256);
    }

    interface Share {
        void run(int worker, int perWorker);
    }

    static double best(ExecutorService pool, int workers, Share share, int units) throws Exception {
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 15; rep++) {
            long start = System.nanoTime();
            Future<?>[] f = new Future<?>[workers];
            for (int w = 0; w < workers; w++) {
                int worker = w;
                f[w] = pool.submit(() -> share.run(worker, units / workers));
            }
            for (Future<?> g : f) {
                g.get();
            }
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1e6;
    }

    public static void main(String[] args) throws Exception {
        System.out.println("vector species: " + S + ", " + System.getProperty("java.vm.version"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (int round = 0; round < 3; round++) {
            for (int w = 1; w <= 2; w++) {
                System.out.printf("workers %d  saxpy ms: VarHandle %.2f  Unsafe %.2f  Unsafe, constant bases %.2f  "
                        + "vector %.2f  vector interpreter %.2f  |  reduction ms: VarHandle %.2f  Unsafe %.2f  vector %.2f%n",
                        w, saxpy(pool, w, ThreadRowModels::varHandleRow), saxpy(pool, w, ThreadRowModels::unsafeRow),
                        saxpy(pool, w, ThreadRowModels::unsafeConstantRow), saxpy(pool, w, ThreadRowModels::vectorRow),
                        saxpy(pool, w, ThreadRowModels::vectorInterpreterRow),
                        reduce(pool, w, ThreadRowModels::treeVarHandle), reduce(pool, w, ThreadRowModels::treeUnsafe),
                        reduce(pool, w, ThreadRowModels::treeVector));
            }
        }
        pool.shutdown();
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
