package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.MachineFactory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.cudawasm.kernels.abi.KernelAbi;
import java.util.function.Function;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Chicory's compiler with one change to the code it generates: the interrupt check at the back edge
 * of a loop the kernel compiler marked as bounded ({@link KernelAbi#BOUNDED_LOOP_GLOBAL}) is removed,
 * with the mark.
 *
 * <p>Chicory calls {@code checkInterruption()} (a volatile read of the thread's interrupt flag) at every
 * backward branch, which is how a launch is stopped ({@link RunningWorkers}). In a thread loop that
 * read is most of the cost: HotSpot may not move a memory read across it, so the memory array, its
 * length and the session's guard are loaded again in every iteration and no bounds check can leave
 * the loop (a saxpy row took 3.4 times as long with it in a Java model of the same code). A thread
 * loop runs at most blockDim times and the loops around it keep their checks, as do the kernel's own
 * loops and calls inside it, so a launch still stops within one block's worth of straight-line code.
 *
 * <p>The mark is {@code global.get 4; drop}, which Chicory compiles to
 * {@code push 4; aload instance; invokestatic readGlobal; l2i; pop}; no other code reads global 4, so
 * kernel source cannot produce it. The first interrupt check after a mark is its loop's (the kernel
 * compiler emits only the loop counter's update and test in between); a mark whose shape differs
 * (another Chicory version) is left alone, which costs speed, never correctness. Only these
 * instructions change: memory accesses and their checks are Chicory's own.
 *
 * <p>The same pass makes the vector row and accumulating row imports' stubs call their host code directly
 * ({@link VectorRowCall}).
 */
final class BoundedLoops {
    private BoundedLoops() {}

    /** The module's machine factory, compiled as {@code MachineFactoryCompiler.compile} does, with the marks applied. */
    static Function<Instance, Machine> compile(WasmModule module) {
        var result = Compiler.builder(module).withClassCollectorFactory(Patching::new).build().compile();
        return new MachineFactory(module, ((ClassLoadingCollector) result.collector()).machineFactory());
    }

    /** Collects the generated classes as Chicory does, each patched first. */
    private static final class Patching extends ClassLoadingCollector {
        @Override
        public void putMainClass(String name, byte[] bytes) {
            super.putMainClass(name, patch(bytes));
        }

        @Override
        public void put(String name, byte[] bytes) {
            super.put(name, patch(bytes));
        }
    }

    /** A class with its marked interrupt checks removed and its vector row stub direct (unchanged when neither). */
    static byte[] patch(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassNode node = new ClassNode();
        reader.accept(node, 0);
        boolean changed = false;
        for (MethodNode m : node.methods) {
            changed |= patch(m) | VectorRowCall.patch(m);
        }
        if (!changed) {
            return bytes;
        }
        // frames and maximums stay valid: what is removed leaves the stack as it found it, and no
        // branch targets it; the rewritten stub has no branch and sets its own maximum
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        return writer.toByteArray();
    }

    private static boolean patch(MethodNode m) {
        boolean changed = false;
        boolean marked = false;
        for (AbstractInsnNode insn = m.instructions.getFirst(); insn != null; ) {
            AbstractInsnNode next = insn.getNext();
            if (isMark(insn)) {
                AbstractInsnNode end = insn.getNext().getNext().getNext().getNext();
                next = end.getNext();
                for (AbstractInsnNode i = insn; i != next; ) {
                    AbstractInsnNode after = i.getNext();
                    m.instructions.remove(i);
                    i = after;
                }
                marked = true;
                changed = true;
            } else if (marked && isInterruptCheck(insn)) {
                m.instructions.remove(insn);
                marked = false;
            } else if (marked && insn instanceof MethodInsnNode call && !call.owner.endsWith("OpcodeImpl")) {
                marked = false; // an unexpected call: this is not the loop's back edge
            }
            insn = next;
        }
        return changed;
    }

    /** {@code push BOUNDED_LOOP_GLOBAL; aload; invokestatic readGlobal(I, Instance)J; l2i; pop}. */
    private static boolean isMark(AbstractInsnNode push) {
        if (intConstant(push) != KernelAbi.BOUNDED_LOOP_GLOBAL) {
            return false;
        }
        AbstractInsnNode load = push.getNext();
        AbstractInsnNode read = load == null ? null : load.getNext();
        AbstractInsnNode narrow = read == null ? null : read.getNext();
        AbstractInsnNode pop = narrow == null ? null : narrow.getNext();
        return load instanceof VarInsnNode v && v.getOpcode() == Opcodes.ALOAD
                && read instanceof MethodInsnNode call && call.getOpcode() == Opcodes.INVOKESTATIC
                && call.name.equals("readGlobal") && call.desc.equals("(ILcom/dylibso/chicory/runtime/Instance;)J")
                && narrow instanceof InsnNode l2i && l2i.getOpcode() == Opcodes.L2I
                && pop instanceof InsnNode p && p.getOpcode() == Opcodes.POP;
    }

    private static boolean isInterruptCheck(AbstractInsnNode insn) {
        return insn instanceof MethodInsnNode call && call.getOpcode() == Opcodes.INVOKESTATIC
                && call.name.equals("checkInterruption") && call.desc.equals("()V");
    }

    private static int intConstant(AbstractInsnNode insn) {
        int op = insn.getOpcode();
        if (op >= Opcodes.ICONST_M1 && op <= Opcodes.ICONST_5) {
            return op - Opcodes.ICONST_0;
        }
        if (insn instanceof IntInsnNode i && (op == Opcodes.BIPUSH || op == Opcodes.SIPUSH)) {
            return i.operand;
        }
        if (insn instanceof LdcInsnNode l && l.cst instanceof Integer v) {
            return v;
        }
        return Integer.MIN_VALUE;
    }
}
