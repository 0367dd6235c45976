package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import io.cudawasm.kernels.abi.BlockCopyAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;
import io.cudawasm.kernels.abi.VectorTreeAbi;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * A direct call from Chicory's compiled code to the host rows: vector rows ({@link VectorRowAbi}),
 * accumulating rows ({@link VectorAccumulateAbi}), block copies ({@link BlockCopyAbi}) and vector
 * trees ({@link VectorTreeAbi}), in place of its host-function call: public only because the
 * generated classes, in another package, call it.
 *
 * <p>Chicory compiles a call of an imported function to a stub that packs the arguments into a
 * {@code long[]} and calls one shared {@code callHostFunction}, which calls the import's handle through
 * an interface. With several host functions in a JVM (the trap, math functions, memcheck, other
 * modules' imports) that interface call is megamorphic: HotSpot calls it virtually and the argument
 * and result arrays are allocated on every call, which cost about 50 ns a row and made the
 * reduction's tree slower than its scalar loop (bench/RESULTS.md, "Vector rows"). {@link #patch}
 * rewrites each of these imports' stubs (recognised by its parameter types, which only that import
 * has, and its call of {@code callHostFunction}) to call this class's method of the same import
 * directly ({@link #run}, {@link #accumulate}, {@link #blockCopy}, {@link #tree}); a stub of another
 * shape (another Chicory version) is left as it is, which costs speed, never correctness: the host
 * function behind the handle runs the same code.
 */
public final class VectorRowCall {
    private VectorRowCall() {}

    private static final String MEMORY = Type.getInternalName(Memory.class);
    /** The import's parameters as Chicory's stub declares them, with the memory and instance after. */
    private static final String INSTANCE = "Lcom/dylibso/chicory/runtime/Instance;";
    /** The imports' parameters as their Wasm types spell them (all return an i32). */
    private static final String ROW_PARAMETERS = "JIJJJJFFF";
    private static final String ACCUMULATE_PARAMETERS = "JIIIJJIJFJJJJJJJJJFFF";
    private static final String BLOCK_COPY_PARAMETERS = "III" + "JJJJJJ".repeat(BlockCopyAbi.MAX_STORES);
    private static final String TREE_PARAMETERS = "JIJJJJJJJJJFFF";

    /** A stub Chicory generates, by its descriptor, and the method of this class that replaces its body. */
    private record Direct(String stub, String method, String descriptor) {
        Direct(String parameters, String method) {
            this("(" + parameters + "L" + MEMORY + ";" + INSTANCE + ")I", method, "(" + parameters + "L" + MEMORY + ";)I");
        }
    }

    private static final Direct[] DIRECTS = {
        new Direct(ROW_PARAMETERS, "run"), new Direct(ACCUMULATE_PARAMETERS, "accumulate"),
        new Direct(BLOCK_COPY_PARAMETERS, "blockCopy"), new Direct(TREE_PARAMETERS, "tree"),
    };

    /** {@link VectorRows#run} on the instance's memory, which is always a {@link FlatMemory}. */
    public static int run(long program, int count, long dst, long src0, long src1, long src2, float u0, float u1,
            float u2, Memory memory) {
        return VectorRows.run((FlatMemory) memory, program, count, dst, src0, src1, src2, u0, u1, u2);
    }

    /** {@link VectorAccumulate#run} on the instance's memory, which is always a {@link FlatMemory}. */
    public static int accumulate(long program, int count, int rows, int trips, long in, long out, int stride,
            long rowStride, float initial, long src0, long step0, long row0, long src1, long step1, long row1,
            long src2, long step2, long row2, float u0, float u1, float u2, Memory memory) {
        return VectorAccumulate.run((FlatMemory) memory, program, count, rows, trips, in, out, stride, rowStride, initial,
                src0, step0, row0, src1, step1, row1, src2, step2, row2, u0, u1, u2);
    }

    /** {@link BlockCopy#run} on the instance's memory, which is always a {@link FlatMemory}. */
    public static int blockCopy(int columns, int rows, int size, long dst0, long dstRow0, long src0, long srcRow0,
            long box0, long fill0, long dst1, long dstRow1, long src1, long srcRow1, long box1, long fill1, long dst2,
            long dstRow2, long src2, long srcRow2, long box2, long fill2, long dst3, long dstRow3, long src3, long srcRow3,
            long box3, long fill3, Memory memory) {
        return BlockCopy.run((FlatMemory) memory, columns, rows, size, dst0, dstRow0, src0, srcRow0, box0, fill0, dst1,
                dstRow1, src1, srcRow1, box1, fill1, dst2, dstRow2, src2, srcRow2, box2, fill2, dst3, dstRow3, src3,
                srcRow3, box3, fill3);
    }

    /**
     * The host function for {@code env.__cw_block_copy} on {@code memory}: what Chicory's handle calls
     * where the stub was not patched (the interpreter, another Chicory version).
     */
    static HostFunction blockCopyImport(FlatMemory memory) {
        return new HostFunction(KernelAbi.TRAP_MODULE, BlockCopyAbi.IMPORT_NAME, valTypes(BLOCK_COPY_PARAMETERS),
                List.of(ValType.I32), (instance, a) -> new long[] {BlockCopy.run(memory, (int) a[0], (int) a[1],
                        (int) a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15],
                        a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[23], a[24], a[25], a[26])});
    }

    /** {@link VectorTree#run} on the instance's memory, which is always a {@link FlatMemory}. */
    public static int tree(long program, int columns, long start, long dst, long dstStep, long src0, long step0,
            long src1, long step1, long src2, long step2, float u0, float u1, float u2, Memory memory) {
        return VectorTree.run((FlatMemory) memory, program, columns, start, dst, dstStep, src0, step0, src1, step1, src2,
                step2, u0, u1, u2);
    }

    /**
     * The host function for {@code env.__cw_vector_tree} on {@code memory}: what Chicory's handle calls
     * where the stub was not patched (the interpreter, another Chicory version).
     */
    static HostFunction treeImport(FlatMemory memory) {
        return new HostFunction(KernelAbi.TRAP_MODULE, VectorTreeAbi.IMPORT_NAME, valTypes(TREE_PARAMETERS),
                List.of(ValType.I32), (instance, a) -> new long[] {VectorTree.run(memory, a[0], (int) a[1], a[2], a[3],
                        a[4], a[5], a[6], a[7], a[8], a[9], a[10], Value.longToFloat(a[11]), Value.longToFloat(a[12]),
                        Value.longToFloat(a[13]))});
    }

    /** Wasm value types of a descriptor's parameter letters. */
    private static List<ValType> valTypes(String parameters) {
        List<ValType> params = new java.util.ArrayList<>();
        for (char c : parameters.toCharArray()) {
            params.add(c == 'J' ? ValType.I64 : c == 'I' ? ValType.I32 : ValType.F32);
        }
        return params;
    }

    /**
     * The host function for {@code env.__cw_vector_accumulate} on {@code memory}: what Chicory's
     * handle calls where the stub was not patched (the interpreter, another Chicory version).
     */
    static HostFunction accumulateImport(FlatMemory memory) {
        return new HostFunction(KernelAbi.TRAP_MODULE, VectorAccumulateAbi.IMPORT_NAME, valTypes(ACCUMULATE_PARAMETERS),
                List.of(ValType.I32),
                (instance, a) -> new long[] {VectorAccumulate.run(memory, a[0], (int) a[1], (int) a[2], (int) a[3], a[4],
                        a[5], (int) a[6], a[7], Value.longToFloat(a[8]), a[9], a[10], a[11], a[12], a[13], a[14], a[15],
                        a[16], a[17], Value.longToFloat(a[18]), Value.longToFloat(a[19]), Value.longToFloat(a[20]))});
    }

    /** Rewrites {@code m} when it is one of the host rows' import stubs; whether it did. */
    static boolean patch(MethodNode m) {
        if ((m.access & Opcodes.ACC_STATIC) == 0) {
            return false;
        }
        for (Direct d : DIRECTS) {
            if (m.desc.equals(d.stub()) && callsHostFunction(m)) {
                patch(m, d);
                return true;
            }
        }
        return false;
    }

    private static void patch(MethodNode m, Direct direct) {
        InsnList body = new InsnList();
        int slot = 0;
        for (Type t : Type.getArgumentTypes(direct.descriptor())) {
            body.add(new VarInsnNode(t.getOpcode(Opcodes.ILOAD), slot));
            slot += t.getSize();
        }
        body.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Type.getInternalName(VectorRowCall.class), direct.method(),
                direct.descriptor(), false));
        body.add(new InsnNode(Opcodes.IRETURN));
        m.instructions.clear();
        m.instructions.add(body);
        m.tryCatchBlocks.clear();
        m.localVariables = null;
        m.maxStack = Math.max(m.maxStack, slot);
    }

    private static boolean callsHostFunction(MethodNode m) {
        for (AbstractInsnNode insn = m.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof MethodInsnNode call && call.getOpcode() == Opcodes.INVOKESTATIC
                    && call.name.equals("callHostFunction")) {
                return true;
            }
        }
        return false;
    }
}
