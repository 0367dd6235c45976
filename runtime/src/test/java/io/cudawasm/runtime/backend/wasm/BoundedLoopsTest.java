package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.Parser;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The interrupt checks the runtime removes from Chicory's code are exactly those of the loops the
 * kernel compiler marked bounded: thread loops and small counted loops lose theirs (and the marks
 * go), the kernel's other loops and its calls keep theirs. That a launch with such loops still stops
 * is {@link FastThreadRowTest#loopsAroundBoundedLoopsStillStopAtTheTimeLimit}.
 */
class BoundedLoopsTest {
    private static final String SOURCE = """
            __global__ void k(float* out, const int* flag, int n) {
                float acc = 0.0f;
                for (int j = 0; j < 16; j++) acc += out[j];   // bounded: 16 trips
                for (int j = 0; j < n; j++) acc += out[j];    // as many as n: keeps its check
                while (flag[0] == 0) { }                       // unbounded: keeps its check
                out[threadIdx.x] = acc;
            }
            """;

    /** Interrupt checks and bounded-loop marks in all methods of the module's generated classes. */
    private static int[] count(Map<String, byte[]> classes, boolean patched) {
        int checks = 0;
        int marks = 0;
        for (byte[] bytes : classes.values()) {
            ClassNode node = new ClassNode();
            new ClassReader(patched ? BoundedLoops.patch(bytes) : bytes).accept(node, 0);
            for (MethodNode m : node.methods) {
                for (AbstractInsnNode i = m.instructions.getFirst(); i != null; i = i.getNext()) {
                    if (i instanceof MethodInsnNode call && call.name.equals("checkInterruption")) {
                        checks++;
                    }
                    if (i instanceof MethodInsnNode call && call.name.equals("readGlobal")
                            && i.getPrevious().getPrevious().getOpcode() == org.objectweb.asm.Opcodes.ICONST_4) {
                        marks++;
                    }
                }
            }
        }
        return new int[] {checks, marks};
    }

    @Test
    void markedLoopsLoseTheirInterruptCheckAndTheOthersKeepIt() {
        byte[] wasm = KernelCompiler.compile(CompileRequest.of("k.cu", SOURCE)).wasm().binary();
        Map<String, byte[]> classes = Compiler.builder(Parser.parse(wasm)).build().compile().classBytes();
        int[] before = count(classes, false);
        int[] after = count(classes, true);
        assertTrue(before[1] >= 4, "marks: the 16-trip loop, and the thread loops (x, y, z) of each copy: " + before[1]);
        assertEquals(0, after[1], "every mark is removed");
        assertEquals(before[0] - before[1], after[0], "one interrupt check goes with each mark");
        // what is left: the n-trip loop, the spin loop, and the calls (the traps of failed checks)
        assertTrue(after[0] >= 2, "the unbounded loops keep their checks: " + after[0]);
    }

    @Test
    void classesWithoutMarksAreLeftAlone() {
        byte[] wasm = KernelCompiler.compile(CompileRequest.of("k.cu", SOURCE)).wasm().binary();
        Map<String, byte[]> classes = Compiler.builder(Parser.parse(wasm)).build().compile().classBytes();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            byte[] patched = BoundedLoops.patch(e.getValue());
            if (count(Map.of(e.getKey(), e.getValue()), false)[1] == 0) {
                assertTrue(patched == e.getValue(), e.getKey() + " has no mark and is returned as it was");
            }
        }
    }
}
