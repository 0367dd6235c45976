package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.runtime.backend.wasm.VectorRowCompiler.BROADCAST;
import static io.cudawasm.runtime.backend.wasm.VectorRowCompiler.FLOAT_VECTOR;
import static io.cudawasm.runtime.backend.wasm.VectorRowCompiler.FROM_BYTES;
import static io.cudawasm.runtime.backend.wasm.VectorRowCompiler.SPECIES;
import static io.cudawasm.runtime.backend.wasm.VectorRowCompiler.littleEndian;
import static io.cudawasm.runtime.backend.wasm.VectorRowCompiler.species;

import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Compiles an accumulating row's {@link VectorRowProgram} to a hidden class implementing
 * {@link VectorAccumulateRoutine}, as {@link VectorRowCompiler} does for vector rows (same reasons,
 * same rules: the Vector API named only as strings, the species a folded constant, the program's
 * operations in its own postfix order). For every vector of threads it loads their values into an
 * accumulator, then per trip reads the sources the program reads, evaluates the term and adds it
 * (accumulator on the left, one lanewise add per trip: the threads' own order of operations), and
 * stores the accumulator back.
 */
final class VectorAccumulateCompiler {
    private VectorAccumulateCompiler() {}

    private static final String ROUTINE = Type.getInternalName(VectorAccumulateRoutine.class);
    private static final String NAME = VectorAccumulateCompiler.class.getPackageName().replace('.', '/')
            + "/GeneratedVectorAccumulate";
    private static final String FROM_ARRAY = "(" + SPECIES + "[FI)L" + FLOAT_VECTOR + ";";
    private static final String FLOAT_AT = "([BI)F";

    /**
     * Vectors a step of the loop runs side by side at most (then half as many, down to one): one vector's trips are a chain of
     * dependent adds (each waits for the last, about 4 cycles), so a row of several vectors runs them
     * interleaved, their chains overlapping, and each lane still adds its own terms in order. Measured
     * on JDK 17 with AVX-512 (16 lanes), calling the routines directly in one JVM, 16 trips of
     * {@code BROADCAST0 LOAD1 MUL}: 64 threads took 33 ns one vector at a time, 21 ns up to four side by
     * side; 256 threads 127–131 ns and 78–92 ns; a single vector 12–15 ns either way.
     */
    static final int MOST_WAYS = 4;

    // Local variable slots of the generated run(byte[], float[], int count, int rows, int trips,
    // (int source, int step, int rowStep) x 3, float x 3)
    private static final int MEMORY = 1;
    private static final int VALUES = 2;
    private static final int COUNT = 3;
    private static final int ROWS = 4;
    private static final int TRIPS = 5;
    /** source k at SOURCE0 + 3k, its step and its step per row after it */
    private static final int SOURCE0 = 6;
    private static final int UNIFORM0 = SOURCE0 + 3 * VectorRowAbi.MAX_LOADS;
    /** The next vector to run, counting the vectors of all rows, row after row; and how many there are. */
    private static final int VECTOR = UNIFORM0 + VectorRowAbi.MAX_UNIFORMS;
    private static final int VECTORS = VECTOR + 1;
    /** Vectors in a row. */
    private static final int ROW_VECTORS = VECTORS + 1;
    private static final int TRIP = ROW_VECTORS + 1;
    /** The w-th vector's row at ROW0 + w, its first thread's byte offset in the row at OFFSET0 + w, its values' index at AT0 + w. */
    private static final int ROW0 = TRIP + 1;
    private static final int OFFSET0 = ROW0 + MOST_WAYS;
    private static final int AT0 = OFFSET0 + MOST_WAYS;
    /** The array index of source k's float of the current trip in the w-th vector's row: CURSOR0 + k * MOST_WAYS + w. */
    private static final int CURSOR0 = AT0 + MOST_WAYS;
    private static final int BROADCAST_UNIFORM0 = CURSOR0 + VectorRowAbi.MAX_LOADS * MOST_WAYS;
    /** Source k's broadcast for the w-th vector at BROADCASTED0 + k * MOST_WAYS + w. */
    private static final int BROADCASTED0 = BROADCAST_UNIFORM0 + VectorRowAbi.MAX_UNIFORMS;
    /** Accumulator of the w-th vector of a step at ACCUMULATOR0 + w. */
    private static final int ACCUMULATOR0 = BROADCASTED0 + VectorRowAbi.MAX_LOADS * MOST_WAYS;
    /** Source k's floats for the w-th vector at LOADED0 + k * MOST_WAYS + w. */
    private static final int LOADED0 = ACCUMULATOR0 + MOST_WAYS;

    /** The routine for an accumulating {@code program}, stepping {@code lanes} threads at a time. */
    static VectorAccumulateRoutine compile(VectorRowProgram program, int lanes) {
        return compile(program, lanes, MOST_WAYS);
    }

    /**
     * {@link #compile(VectorRowProgram, int)} running at most {@code ways} vectors side by side (a power
     * of two up to {@link #MOST_WAYS}; for measurements).
     */
    static VectorAccumulateRoutine compile(VectorRowProgram program, int lanes, int ways) {
        if (!program.accumulating()) {
            throw new IllegalArgumentException("not an accumulating row's program: " + Long.toHexString(program.code()));
        }
        if (ways < 1 || ways > MOST_WAYS || Integer.bitCount(ways) != 1) {
            throw new IllegalArgumentException("ways " + ways);
        }
        return (VectorAccumulateRoutine) VectorRowCompiler.instantiate(classBytes(program, lanes, ways), program);
    }

    static byte[] classBytes(VectorRowProgram program, int lanes, int mostWays) {
        ClassWriter cw = VectorRowCompiler.routineClass(NAME, ROUTINE);
        emitRun(cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "([B[F" + "I".repeat(3 + 3 * VectorRowAbi.MAX_LOADS) + "FFF)V", null, null), program, lanes,
                mostWays);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static boolean reads(VectorRowProgram program, int k) {
        return program.readsLoad(k) || program.readsBroadcast(k);
    }

    private static void emitRun(MethodVisitor mv, VectorRowProgram program, int lanes, int mostWays) {
        mv.visitCode();
        for (int k = 0; k < VectorRowAbi.MAX_UNIFORMS; k++) {
            if (program.readsUniform(k)) { // hoisted: one broadcast per row
                species(mv);
                mv.visitVarInsn(Opcodes.FLOAD, UNIFORM0 + k);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, FLOAT_VECTOR, "broadcast", BROADCAST, false);
                mv.visitVarInsn(Opcodes.ASTORE, BROADCAST_UNIFORM0 + k);
            }
        }
        // vectors = rows * (count / lanes); vector = 0
        mv.visitVarInsn(Opcodes.ILOAD, COUNT);
        mv.visitLdcInsn(lanes);
        mv.visitInsn(Opcodes.IDIV);
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ISTORE, ROW_VECTORS);
        mv.visitVarInsn(Opcodes.ILOAD, ROWS);
        mv.visitInsn(Opcodes.IMUL);
        mv.visitVarInsn(Opcodes.ISTORE, VECTORS);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, VECTOR);
        for (int ways = mostWays; ways >= 1; ways /= 2) {
            emitLoop(mv, program, lanes, ways);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * {@code while (vectors - vector >= ways)}: run {@code ways} vectors from {@code vector} on, side by
     * side; each may lie in another row (its sources then start at the row's step).
     */
    private static void emitLoop(MethodVisitor mv, VectorRowProgram program, int lanes, int ways) {
        Label vectorBody = new Label();
        Label vectorTest = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, vectorTest);
        mv.visitLabel(vectorBody);
        for (int w = 0; w < ways; w++) {
            // row = (vector + w) / rowVectors; offset = 4 * lanes * ((vector + w) - row * rowVectors)
            vector(mv, w);
            mv.visitVarInsn(Opcodes.ILOAD, ROW_VECTORS);
            mv.visitInsn(Opcodes.IDIV);
            mv.visitVarInsn(Opcodes.ISTORE, ROW0 + w);
            vector(mv, w);
            mv.visitVarInsn(Opcodes.ILOAD, ROW0 + w);
            mv.visitVarInsn(Opcodes.ILOAD, ROW_VECTORS);
            mv.visitInsn(Opcodes.IMUL);
            mv.visitInsn(Opcodes.ISUB);
            mv.visitLdcInsn(4 * lanes);
            mv.visitInsn(Opcodes.IMUL);
            mv.visitVarInsn(Opcodes.ISTORE, OFFSET0 + w);
            // the values of vector + w: row after row of count, so (vector + w) * lanes
            vector(mv, w);
            mv.visitLdcInsn(lanes);
            mv.visitInsn(Opcodes.IMUL);
            mv.visitVarInsn(Opcodes.ISTORE, AT0 + w);
            species(mv);
            mv.visitVarInsn(Opcodes.ALOAD, VALUES);
            mv.visitVarInsn(Opcodes.ILOAD, AT0 + w);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, FLOAT_VECTOR, "fromArray", FROM_ARRAY, false);
            mv.visitVarInsn(Opcodes.ASTORE, ACCUMULATOR0 + w);
            for (int k = 0; k < VectorRowAbi.MAX_LOADS; k++) {
                if (reads(program, k)) { // cursor = source + rowStep * row
                    mv.visitVarInsn(Opcodes.ILOAD, SOURCE0 + 3 * k);
                    mv.visitVarInsn(Opcodes.ILOAD, SOURCE0 + 3 * k + 2);
                    mv.visitVarInsn(Opcodes.ILOAD, ROW0 + w);
                    mv.visitInsn(Opcodes.IMUL);
                    mv.visitInsn(Opcodes.IADD);
                    mv.visitVarInsn(Opcodes.ISTORE, CURSOR0 + k * MOST_WAYS + w);
                }
            }
        }
        // for (trip = 0; trip < trips; trip++)
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, TRIP);
        Label tripBody = new Label();
        Label tripTest = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, tripTest);
        mv.visitLabel(tripBody);
        for (int k = 0; k < VectorRowAbi.MAX_LOADS; k++) {
            for (int w = 0; w < ways && program.readsBroadcast(k); w++) { // the row's one float at the cursor
                species(mv);
                mv.visitVarInsn(Opcodes.ALOAD, MEMORY);
                mv.visitVarInsn(Opcodes.ILOAD, CURSOR0 + k * MOST_WAYS + w);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(VectorAccumulate.class), "floatAt",
                        FLOAT_AT, false);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, FLOAT_VECTOR, "broadcast", BROADCAST, false);
                mv.visitVarInsn(Opcodes.ASTORE, BROADCASTED0 + k * MOST_WAYS + w);
            }
            for (int w = 0; w < ways && program.readsLoad(k); w++) { // each vector's floats: cursor + its offset
                species(mv);
                mv.visitVarInsn(Opcodes.ALOAD, MEMORY);
                mv.visitVarInsn(Opcodes.ILOAD, CURSOR0 + k * MOST_WAYS + w);
                mv.visitVarInsn(Opcodes.ILOAD, OFFSET0 + w);
                mv.visitInsn(Opcodes.IADD);
                littleEndian(mv);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, FLOAT_VECTOR, "fromByteArray", FROM_BYTES, false);
                mv.visitVarInsn(Opcodes.ASTORE, LOADED0 + k * MOST_WAYS + w);
            }
        }
        for (int w = 0; w < ways; w++) {
            mv.visitVarInsn(Opcodes.ALOAD, ACCUMULATOR0 + w); // the left operand of the trip's add
            for (int i = 0; i < program.length(); i++) {
                int symbol = program.symbol(i);
                switch (symbol) {
                    case VectorRowAbi.LOAD0, VectorRowAbi.LOAD1, VectorRowAbi.LOAD2 ->
                            mv.visitVarInsn(Opcodes.ALOAD, LOADED0 + (symbol - VectorRowAbi.LOAD0) * MOST_WAYS + w);
                    case VectorAccumulateAbi.BROADCAST0, VectorAccumulateAbi.BROADCAST1, VectorAccumulateAbi.BROADCAST2 ->
                            mv.visitVarInsn(Opcodes.ALOAD,
                                    BROADCASTED0 + (symbol - VectorAccumulateAbi.BROADCAST0) * MOST_WAYS + w);
                    case VectorRowAbi.UNIFORM0, VectorRowAbi.UNIFORM1, VectorRowAbi.UNIFORM2 ->
                            mv.visitVarInsn(Opcodes.ALOAD, BROADCAST_UNIFORM0 + symbol - VectorRowAbi.UNIFORM0);
                    default -> VectorRowCompiler.operation(mv, symbol);
                }
            }
            VectorRowCompiler.operation(mv, VectorRowAbi.ADD);
            mv.visitVarInsn(Opcodes.ASTORE, ACCUMULATOR0 + w);
        }
        for (int k = 0; k < VectorRowAbi.MAX_LOADS; k++) {
            for (int w = 0; w < ways && reads(program, k); w++) {
                // cursor += step: past the last trip it may wrap, and is not used again
                mv.visitVarInsn(Opcodes.ILOAD, CURSOR0 + k * MOST_WAYS + w);
                mv.visitVarInsn(Opcodes.ILOAD, SOURCE0 + 3 * k + 1);
                mv.visitInsn(Opcodes.IADD);
                mv.visitVarInsn(Opcodes.ISTORE, CURSOR0 + k * MOST_WAYS + w);
            }
        }
        mv.visitIincInsn(TRIP, 1);
        mv.visitLabel(tripTest);
        mv.visitVarInsn(Opcodes.ILOAD, TRIP);
        mv.visitVarInsn(Opcodes.ILOAD, TRIPS);
        mv.visitJumpInsn(Opcodes.IF_ICMPLT, tripBody);
        for (int w = 0; w < ways; w++) {
            mv.visitVarInsn(Opcodes.ALOAD, ACCUMULATOR0 + w);
            mv.visitVarInsn(Opcodes.ALOAD, VALUES);
            mv.visitVarInsn(Opcodes.ILOAD, AT0 + w);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLOAT_VECTOR, "intoArray", "([FI)V", false);
        }
        mv.visitIincInsn(VECTOR, ways);
        mv.visitLabel(vectorTest);
        mv.visitVarInsn(Opcodes.ILOAD, VECTORS);
        mv.visitVarInsn(Opcodes.ILOAD, VECTOR);
        mv.visitInsn(Opcodes.ISUB);
        mv.visitLdcInsn(ways);
        mv.visitJumpInsn(Opcodes.IF_ICMPGE, vectorBody);
    }

    /** Pushes {@code vector + w}. */
    private static void vector(MethodVisitor mv, int w) {
        mv.visitVarInsn(Opcodes.ILOAD, VECTOR);
        if (w != 0) {
            mv.visitLdcInsn(w);
            mv.visitInsn(Opcodes.IADD);
        }
    }
}
