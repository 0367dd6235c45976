package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.VectorRowAbi;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Compiles a {@link VectorRowProgram} to a hidden class implementing {@link VectorRowRoutine}, as
 * straight Vector API code: for every vector of threads, load the sources the program reads, apply
 * its operations on the JVM operand stack in the program's own postfix order, store the result.
 *
 * <p>Why generated code and not an interpreter of the program: HotSpot intrinsifies Vector API
 * calls only when it sees the species as a constant and the vectors never escape; a loop over
 * symbols that keeps vectors in an array boxes every one of them (bench/models/ThreadRowModels,
 * "vector interpreter", slower than the scalar row). The species is read with {@code getstatic
 * FloatVector.SPECIES_PREFERRED}, a static final HotSpot folds to a constant.
 *
 * <p>The generated class names {@code jdk.incubator.vector} types only as strings in its bytecode:
 * this class loads nothing from that module itself, and {@link VectorRows} calls it only after
 * finding the module present.
 */
final class VectorRowCompiler {
    private VectorRowCompiler() {}

    // the Vector API as the generated code names it (also VectorAccumulateCompiler's)
    static final String FLOAT_VECTOR = "jdk/incubator/vector/FloatVector";
    static final String SPECIES = "Ljdk/incubator/vector/VectorSpecies;";
    static final String BYTE_ORDER = "java/nio/ByteOrder";
    static final String FROM_BYTES = "(" + SPECIES + "[BIL" + BYTE_ORDER + ";)L" + FLOAT_VECTOR + ";";
    static final String INTO_BYTES = "([BIL" + BYTE_ORDER + ";)V";
    static final String BROADCAST = "(" + SPECIES + "F)L" + FLOAT_VECTOR + ";";
    private static final String LANEWISE = "(Ljdk/incubator/vector/Vector;)L" + FLOAT_VECTOR + ";";
    private static final String ROUTINE = VectorRowRoutine.class.getName().replace('.', '/');
    /** In this package, as a hidden class defined through this class's lookup must be. */
    private static final String NAME = VectorRowCompiler.class.getPackageName().replace('.', '/') + "/GeneratedVectorRow";

    // Local variable slots of the generated run(byte[], int, int, int, int, int, float, float, float)
    private static final int MEMORY = 1;
    private static final int COUNT = 2;
    private static final int DESTINATION = 3;
    private static final int SOURCE0 = 4;
    private static final int UNIFORM0 = 7;
    private static final int THREAD = 10;
    private static final int BROADCAST0 = 11;
    private static final int LOADED0 = BROADCAST0 + VectorRowAbi.MAX_UNIFORMS;

    /**
     * The routine for {@code program}, whose loop steps {@code lanes} threads at a time (the length of
     * {@code FloatVector.SPECIES_PREFERRED}, which the caller read).
     */
    static VectorRowRoutine compile(VectorRowProgram program, int lanes) {
        return (VectorRowRoutine) instantiate(classBytes(program, lanes), program);
    }

    /** An instance of the hidden class {@code bytes} defines, through its no-argument constructor. */
    static Object instantiate(byte[] bytes, VectorRowProgram program) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // a verify or link error: the module differs from the one this was written for
            throw new IllegalStateException("vector row program " + Long.toHexString(program.code())
                    + " did not compile to a valid class", e);
        }
    }

    static byte[] classBytes(VectorRowProgram program, int lanes) {
        ClassWriter cw = routineClass(NAME, ROUTINE);
        emitRun(cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "([BIIIIIFFF)V", null, null), program, lanes);
        emitRunScalar(cw.visitMethod(Opcodes.ACC_PUBLIC, "runScalar", "([BIIIIIIFFF)V", null, null), program);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * A class writer with a final class {@code name} in this package implementing {@code routine}
     * and its no-argument constructor: what remains is the routine's {@code run}.
     */
    static ClassWriter routineClass(String name, String routine) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                // Frames only ever merge a vector slot with itself or with an unset slot, which needs
                // no common superclass; answering without loading classes keeps ASM off the module.
                return "java/lang/Object";
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, name, null, "java/lang/Object", new String[] {routine});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        return cw;
    }

    private static void emitRun(MethodVisitor mv, VectorRowProgram program, int lanes) {
        mv.visitCode();
        for (int k = 0; k < VectorRowAbi.MAX_UNIFORMS; k++) {
            if (program.readsUniform(k)) { // hoisted: one broadcast per row, not per vector
                species(mv);
                mv.visitVarInsn(Opcodes.FLOAD, UNIFORM0 + k);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, FLOAT_VECTOR, "broadcast", BROADCAST, false);
                mv.visitVarInsn(Opcodes.ASTORE, BROADCAST0 + k);
            }
        }
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, THREAD);
        Label[] loop = loopStart(mv);
        // every source the program reads, once per vector, before the store: all of a vector's loads
        // precede its store, as VectorRows' overlap rule assumes
        for (int k = 0; k < VectorRowAbi.MAX_LOADS; k++) {
            if (program.readsLoad(k)) {
                species(mv);
                mv.visitVarInsn(Opcodes.ALOAD, MEMORY);
                index(mv, SOURCE0 + k);
                littleEndian(mv);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, FLOAT_VECTOR, "fromByteArray", FROM_BYTES, false);
                mv.visitVarInsn(Opcodes.ASTORE, LOADED0 + k);
            }
        }
        for (int i = 0; i < program.length(); i++) {
            int symbol = program.symbol(i);
            switch (symbol) {
                case VectorRowAbi.LOAD0, VectorRowAbi.LOAD1, VectorRowAbi.LOAD2 ->
                        mv.visitVarInsn(Opcodes.ALOAD, LOADED0 + symbol - VectorRowAbi.LOAD0);
                case VectorRowAbi.UNIFORM0, VectorRowAbi.UNIFORM1, VectorRowAbi.UNIFORM2 ->
                        mv.visitVarInsn(Opcodes.ALOAD, BROADCAST0 + symbol - VectorRowAbi.UNIFORM0);
                default -> operation(mv, symbol);
            }
        }
        mv.visitVarInsn(Opcodes.ALOAD, MEMORY);
        index(mv, DESTINATION);
        littleEndian(mv);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLOAT_VECTOR, "intoByteArray", INTO_BYTES, false);
        loopEndAndReturn(mv, loop, THREAD, lanes, COUNT);
    }

    /**
     * {@code runScalar(byte[] memory, int from, int to, int destination, int source0..2, float uniform0..2)}:
     * per thread, the program on {@code float}s, each source read through {@link VectorAccumulate#floatAt}
     * and the result stored through {@link VectorAccumulate#floatTo}.
     */
    private static void emitRunScalar(MethodVisitor mv, VectorRowProgram program) {
        final int memory = 1;
        final int thread = 2; // from, counting up
        final int to = 3;
        final int destination = 4;
        final int source0 = 5;
        final int uniform0 = 8;
        final int value = 11;
        String helpers = org.objectweb.asm.Type.getInternalName(VectorAccumulate.class);
        mv.visitCode();
        Label[] loop = loopStart(mv);
        for (int i = 0; i < program.length(); i++) {
            int symbol = program.symbol(i);
            switch (symbol) {
                case VectorRowAbi.LOAD0, VectorRowAbi.LOAD1, VectorRowAbi.LOAD2 -> {
                    mv.visitVarInsn(Opcodes.ALOAD, memory);
                    index(mv, source0 + symbol - VectorRowAbi.LOAD0, thread);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, helpers, "floatAt", "([BI)F", false);
                }
                case VectorRowAbi.UNIFORM0, VectorRowAbi.UNIFORM1, VectorRowAbi.UNIFORM2 ->
                        mv.visitVarInsn(Opcodes.FLOAD, uniform0 + symbol - VectorRowAbi.UNIFORM0);
                case VectorRowAbi.ADD -> mv.visitInsn(Opcodes.FADD);
                case VectorRowAbi.SUB -> mv.visitInsn(Opcodes.FSUB);
                case VectorRowAbi.MUL -> mv.visitInsn(Opcodes.FMUL);
                case VectorRowAbi.DIV -> mv.visitInsn(Opcodes.FDIV);
                default -> throw new IllegalArgumentException("symbol " + symbol + " in a validated program");
            }
        }
        mv.visitVarInsn(Opcodes.FSTORE, value);
        mv.visitVarInsn(Opcodes.ALOAD, memory);
        index(mv, destination, thread);
        mv.visitVarInsn(Opcodes.FLOAD, value);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, helpers, "floatTo", "([BIF)V", false);
        loopEndAndReturn(mv, loop, thread, 1, to);
    }

    /** Starts a loop tested at the bottom: jumps to its test and opens its body; returns {body, test}. */
    private static Label[] loopStart(MethodVisitor mv) {
        Label body = new Label();
        Label test = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, test);
        mv.visitLabel(body);
        return new Label[] {body, test};
    }

    /**
     * Closes a loop {@link #loopStart} opened: {@code counter += step}, the body again while
     * {@code counter < limit} (int slots), then returns from the method and ends it.
     */
    private static void loopEndAndReturn(MethodVisitor mv, Label[] loop, int counter, int step, int limit) {
        mv.visitIincInsn(counter, step);
        mv.visitLabel(loop[1]);
        mv.visitVarInsn(Opcodes.ILOAD, counter);
        mv.visitVarInsn(Opcodes.ILOAD, limit);
        mv.visitJumpInsn(Opcodes.IF_ICMPLT, loop[0]);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Pushes {@code base + 4 * thread} from two int slots: a thread's float. */
    private static void index(MethodVisitor mv, int baseSlot, int threadSlot) {
        mv.visitVarInsn(Opcodes.ILOAD, baseSlot);
        mv.visitVarInsn(Opcodes.ILOAD, threadSlot);
        mv.visitInsn(Opcodes.ICONST_2);
        mv.visitInsn(Opcodes.ISHL);
        mv.visitInsn(Opcodes.IADD);
    }

    /** Applies the operation {@code symbol} to the two vectors on top of the stack. */
    static void operation(MethodVisitor mv, int symbol) {
        switch (symbol) {
            // the deeper value is the receiver, the top one the argument: a b SUB is a - b
            case VectorRowAbi.ADD -> lanewise(mv, "add");
            case VectorRowAbi.SUB -> lanewise(mv, "sub");
            case VectorRowAbi.MUL -> lanewise(mv, "mul");
            case VectorRowAbi.DIV -> lanewise(mv, "div");
            default -> throw new IllegalArgumentException("symbol " + symbol + " in a validated program");
        }
    }

    static void species(MethodVisitor mv) {
        mv.visitFieldInsn(Opcodes.GETSTATIC, FLOAT_VECTOR, "SPECIES_PREFERRED", SPECIES);
    }

    static void littleEndian(MethodVisitor mv) {
        mv.visitFieldInsn(Opcodes.GETSTATIC, BYTE_ORDER, "LITTLE_ENDIAN", "L" + BYTE_ORDER + ";");
    }

    /** Pushes {@code base + 4 * thread}: the array index of the current vector's first float. */
    private static void index(MethodVisitor mv, int baseSlot) {
        index(mv, baseSlot, THREAD);
    }

    static void lanewise(MethodVisitor mv, String operation) {
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLOAT_VECTOR, operation, LANEWISE, false);
    }
}
