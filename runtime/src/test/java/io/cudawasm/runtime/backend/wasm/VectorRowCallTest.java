package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.Parser;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Chicory's stub for the vector row import, after {@link BoundedLoops}' pass, calls
 * {@link VectorRowCall#run} directly and nothing else does; the other imports' stubs (the trap) keep
 * Chicory's host-function call.
 */
class VectorRowCallTest {
    /** Chicory's classes for a module, as its compiler generates them (before any patch). */
    private static List<byte[]> chicoryClasses(byte[] wasm) {
        List<byte[]> classes = new ArrayList<>();
        Compiler.builder(Parser.parse(wasm)).withClassCollectorFactory(() -> new ClassLoadingCollector() {
            @Override
            public void putMainClass(String name, byte[] bytes) {
                classes.add(bytes);
                super.putMainClass(name, bytes);
            }

            @Override
            public void put(String name, byte[] bytes) {
                classes.add(bytes);
                super.put(name, bytes);
            }
        }).build().compile();
        return classes;
    }

    /** Methods by what they call: "host" (Chicory's callHostFunction), "direct" (VectorRowCall.run). */
    private static List<String> calls(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        List<String> found = new ArrayList<>();
        for (MethodNode m : node.methods) {
            for (AbstractInsnNode insn = m.instructions.getFirst(); insn != null; insn = insn.getNext()) {
                if (insn instanceof MethodInsnNode call && call.getOpcode() == Opcodes.INVOKESTATIC) {
                    if (call.name.equals("callHostFunction")) {
                        found.add("host " + m.desc);
                    } else if (call.owner.endsWith("/VectorRowCall") && call.name.equals("run")) {
                        found.add("direct " + m.desc);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void theVectorRowStubCallsTheVectorRowsDirectly() {
        byte[] wasm = KernelCompiler.compile(CompileRequest.of("saxpy.cu", KernelLibrary.source("saxpy").orElseThrow()))
                .wasm().binary();
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (byte[] c : chicoryClasses(wasm)) {
            before.addAll(calls(c));
            after.addAll(calls(BoundedLoops.patch(c)));
        }
        String stub = "(JIJJJJFFFLcom/dylibso/chicory/runtime/Memory;Lcom/dylibso/chicory/runtime/Instance;)I";
        String trap = "(IILcom/dylibso/chicory/runtime/Memory;Lcom/dylibso/chicory/runtime/Instance;)V";
        assertTrue(before.contains("host " + stub), before.toString());
        assertTrue(before.contains("host " + trap), before.toString());
        assertFalse(before.stream().anyMatch(s -> s.startsWith("direct")), before.toString());
        // the stub alone changes: the trap's stub and Chicory's call-by-index dispatcher keep their host calls
        assertEquals(List.of("direct " + stub), after.stream().filter(s -> s.startsWith("direct")).toList());
        assertFalse(after.contains("host " + stub), after.toString());
        assertEquals(before.size(), after.size(), after.toString());
        assertTrue(after.contains("host " + trap), after.toString());
    }
}
