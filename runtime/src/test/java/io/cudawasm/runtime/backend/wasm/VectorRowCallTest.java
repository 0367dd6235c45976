package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.BlockCopyAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import io.cudawasm.kernels.abi.VectorRowAbi;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
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
 * Chicory's host-function call. The accumulating row import's stub likewise calls
 * {@link VectorRowCall#accumulate}, shown on a module written here and the naive matmul, and run end
 * to end; and the block copy import's stub calls {@link VectorRowCall#blockCopy} (the tiled matmul's
 * tile loads).
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

    /**
     * Methods by what they call: "host" (Chicory's callHostFunction), "direct" (VectorRowCall.run),
     * "accumulate", "blockCopy" and "tree" (VectorRowCall's methods of those names).
     */
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
                    } else if (call.owner.endsWith("/VectorRowCall") && call.name.equals("accumulate")) {
                        found.add("accumulate " + m.desc);
                    } else if (call.owner.endsWith("/VectorRowCall") && call.name.equals("blockCopy")) {
                        found.add("blockCopy " + m.desc);
                    } else if (call.owner.endsWith("/VectorRowCall") && call.name.equals("tree")) {
                        found.add("tree " + m.desc);
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

    private static final String ACCUMULATE_STUB =
            "(JIIIJJIJFJJJJJJJJJFFFLcom/dylibso/chicory/runtime/Memory;Lcom/dylibso/chicory/runtime/Instance;)I";

    @Test
    void theAccumulateStubCallsTheAccumulatingRowsDirectly() {
        // a module written here, and the library's naive matmul, whose inner product is an accumulating row
        byte[] matmul = KernelCompiler.compile(CompileRequest.of("matmul_naive.cu",
                KernelLibrary.source("matmul_naive").orElseThrow())).wasm().binary();
        for (byte[] wasm : List.of(accumulateModule(), matmul)) {
            assertAccumulateStubPatched(wasm);
        }
    }

    private static void assertAccumulateStubPatched(byte[] wasm) {
        List<String> before = assertStubPatched(wasm, "accumulate", ACCUMULATE_STUB);
        assertFalse(before.stream().anyMatch(s -> s.startsWith("direct")), before.toString());
    }

    /**
     * Before the patch, {@code stub} calls Chicory's host function and nothing calls {@code method}; after
     * it, {@code stub} alone calls {@code method} directly, and every other call is as it was. Returns the
     * calls before the patch.
     */
    private static List<String> assertStubPatched(byte[] wasm, String method, String stub) {
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (byte[] c : chicoryClasses(wasm)) {
            before.addAll(calls(c));
            after.addAll(calls(BoundedLoops.patch(c)));
        }
        assertTrue(before.contains("host " + stub), before.toString());
        assertFalse(before.stream().anyMatch(s -> s.startsWith(method + " ")), before.toString());
        assertEquals(List.of(method + " " + stub), after.stream().filter(s -> s.startsWith(method + " ")).toList());
        assertFalse(after.contains("host " + stub), after.toString());
        assertEquals(before.size(), after.size(), after.toString());
        return before;
    }

    private static final String BLOCK_COPY_STUB = "(III" + "JJJJJJ".repeat(BlockCopyAbi.MAX_STORES)
            + "Lcom/dylibso/chicory/runtime/Memory;Lcom/dylibso/chicory/runtime/Instance;)I";
    private static final String TREE_STUB =
            "(JIJJJJJJJJJFFFLcom/dylibso/chicory/runtime/Memory;Lcom/dylibso/chicory/runtime/Instance;)I";

    @Test
    void theBlockCopyAndTreeStubsCallTheirHostRowsDirectly() {
        byte[] tiled = KernelCompiler.compile(CompileRequest.of("tiled.cu", DeviceSemanticsCases.TILED_MATMUL)).wasm()
                .binary();
        assertStubPatched(tiled, "blockCopy", BLOCK_COPY_STUB);
        assertStubPatched(tiled, "tree", TREE_STUB);
    }

    @Test
    void aPatchedModuleRunsItsAccumulatingRowsWithoutTheHostFunction() {
        // the tiled matmul's frame row (15 threads, 16 trips) through the module's export, compiled and
        // patched as sessions do; the host function behind Chicory's handle fails if it is ever called
        byte[] wasm = accumulateModule();
        WasmModule module = Parser.parse(wasm);
        FlatMemory memory = new FlatMemory(3, 3, Memory.PAGE_SIZE);
        VectorRowsTest.fill(memory, 42);
        FlatMemory expected = new FlatMemory(3, 3, Memory.PAGE_SIZE);
        VectorRowsTest.fill(expected, 42);
        HostFunction never = new HostFunction(KernelAbi.TRAP_MODULE, VectorAccumulateAbi.IMPORT_NAME,
                VectorRowCall.accumulateImport(memory).paramTypes(),
                List.of(ValType.I32), (inst, args) -> {
                    throw new AssertionError("the stub called the host function");
                });
        Instance instance = Instance.builder(module)
                .withImportValues(ImportValues.builder()
                        .addMemory(new ImportMemory(KernelAbi.MEMORY_MODULE, KernelAbi.MEMORY_NAME, memory))
                        .addFunction(never).build())
                .withMachineFactory(BoundedLoops.compile(module)).build();
        long low = KernelAbi.GUARD_BYTES;
        long program = VectorRowsTest.program(VectorAccumulateAbi.BROADCAST0, VectorRowAbi.LOAD1, VectorRowAbi.MUL);
        long frame = low + 60000;
        long[] result = instance.export("acc").apply(program, 15, 1, 16, frame, frame, -16, 0, Value.floatToLong(0.5f),
                low + 4096 + 64 * 3, 4, 0, low + 8192, 64, 0, 0, 0, 0, Value.floatToLong(1), Value.floatToLong(2),
                Value.floatToLong(3));
        assertEquals(15, result[0]);
        assertEquals(15, VectorAccumulate.run(expected, program, 15, 1, 16, frame, frame, -16, 0, 0.5f,
                low + 4096 + 64 * 3, 4, 0, low + 8192, 64, 0, 0, 0, 0, 1, 2, 3));
        assertTrue(java.util.Arrays.equals(expected.bytes(), memory.bytes()), "the module's row stored other bits");
        assertFalse(java.util.Arrays.equals(expected.bytes(), fresh(42).bytes()), "the row stored nothing");
    }

    @Test
    void theInterpreterRunsItsAccumulatingRowsThroughTheSessionsHostFunction() {
        // no machine factory: Chicory's interpreter calls the import's handle, the function sessions register
        WasmModule module = Parser.parse(accumulateModule());
        FlatMemory memory = fresh(43);
        FlatMemory expected = fresh(43);
        Instance instance = Instance.builder(module)
                .withImportValues(ImportValues.builder()
                        .addMemory(new ImportMemory(KernelAbi.MEMORY_MODULE, KernelAbi.MEMORY_NAME, memory))
                        .addFunction(VectorRowCall.accumulateImport(memory)).build())
                .build();
        long low = KernelAbi.GUARD_BYTES;
        // every argument distinct, so one passed in another's place would show: the initial value and
        // three sources (a division and a subtraction: order matters), uniforms in the term
        long program = VectorRowsTest.program(VectorAccumulateAbi.BROADCAST0, VectorRowAbi.LOAD1, VectorRowAbi.UNIFORM0,
                VectorRowAbi.MUL, VectorRowAbi.DIV, VectorRowAbi.LOAD2, VectorRowAbi.UNIFORM2, VectorRowAbi.SUB,
                VectorRowAbi.SUB, VectorRowAbi.UNIFORM1, VectorRowAbi.ADD);
        // two rows: every argument of the block form reaches the host too
        long[] result = instance.export("acc").apply(program, 21, 2, 5, -1, low + 50000, 8, 400, Value.floatToLong(0.5f),
                low + 4096, 4, 36, low + 8192, 128, 4, low + 20000, -12, 8, Value.floatToLong(1.5f),
                Value.floatToLong(-2f), Value.floatToLong(0.25f));
        assertEquals(42, result[0]);
        assertEquals(42, VectorAccumulate.run(expected, program, 21, 2, 5, -1, low + 50000, 8, 400, 0.5f, low + 4096, 4,
                36, low + 8192, 128, 4, low + 20000, -12, 8, 1.5f, -2f, 0.25f));
        assertTrue(java.util.Arrays.equals(expected.bytes(), memory.bytes()), "the module's row stored other bits");
        assertFalse(java.util.Arrays.equals(expected.bytes(), fresh(43).bytes()), "the row stored nothing");
    }

    /**
     * Where a stub is not patched (the interpreter), Chicory calls the block copy and vector tree
     * imports' host functions with the arguments as a {@code long[]}: each must reach its parameter
     * (every argument distinct, so one in another's place would show in the memory).
     */
    @Test
    void theBlockCopyAndTreeHostFunctionsPassEveryArgumentInItsPlace() {
        long low = KernelAbi.GUARD_BYTES;
        FlatMemory memory = fresh(44);
        FlatMemory expected = fresh(44);
        long[] copy = {16, 4, 4,
            low + 1000, 64, low + 20000, 200, BlockCopyAbi.box(1, 15, 0, 3), 7,
            low + 2100, 64, low + 30000, 196, BlockCopyAbi.box(0, 16, 1, 4), 0xBF80_0000L,
            low + 3200, -64, low + 40000, 192, BlockCopyAbi.box(2, 9, 0, 4), 0x1234_5678L,
            low + 4300, 68, low + 50000, -200, BlockCopyAbi.box(0, 16, 0, 2), 0};
        assertEquals(64, VectorRowCall.blockCopyImport(memory).handle().apply(null, copy)[0]);
        assertEquals(64, BlockCopy.run(expected, 16, 4, 4, copy[3], copy[4], copy[5], copy[6], copy[7], copy[8], copy[9],
                copy[10], copy[11], copy[12], copy[13], copy[14], copy[15], copy[16], copy[17], copy[18], copy[19],
                copy[20], copy[21], copy[22], copy[23], copy[24], copy[25], copy[26]));
        assertTrue(java.util.Arrays.equals(expected.bytes(), memory.bytes()), "the host function moved other bytes");
        long program = VectorRowsTest.program(VectorRowAbi.LOAD0, VectorRowAbi.LOAD1, VectorRowAbi.SUB,
                VectorRowAbi.UNIFORM0, VectorRowAbi.MUL, VectorRowAbi.LOAD2, VectorRowAbi.UNIFORM1, VectorRowAbi.SUB,
                VectorRowAbi.DIV, VectorRowAbi.UNIFORM2, VectorRowAbi.ADD);
        long s = low + 60000;
        long[] tree = {program, 100, 64, low + 70000, 8, s, 4, s + 4, 8, low + 80000, -4, Value.floatToLong(0.5f),
            Value.floatToLong(3f), Value.floatToLong(-2f)};
        assertEquals(1, VectorRowCall.treeImport(memory).handle().apply(null, tree)[0]);
        assertEquals(1, VectorTree.run(expected, program, 100, 64, low + 70000, 8, s, 4, s + 4, 8, low + 80000, -4, 0.5f,
                3f, -2f));
        assertTrue(java.util.Arrays.equals(expected.bytes(), memory.bytes()), "the host function stored other bits");
        assertFalse(java.util.Arrays.equals(expected.bytes(), fresh(44).bytes()), "nothing moved");
    }

    private static FlatMemory fresh(int seed) {
        FlatMemory memory = new FlatMemory(3, 3, Memory.PAGE_SIZE);
        VectorRowsTest.fill(memory, seed);
        return memory;
    }

    /**
     * A module importing the memory as kernels do and {@code env.__cw_vector_accumulate}, exporting
     * {@code acc}, which passes its sixteen parameters to the import and returns its result.
     */
    private static byte[] accumulateModule() {
        byte[] params = {0x7e, 0x7f, 0x7f, 0x7f, 0x7e, 0x7e, 0x7f, 0x7e, 0x7d, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e,
            0x7e, 0x7e, 0x7d, 0x7d, 0x7d};
        java.io.ByteArrayOutputStream type = new java.io.ByteArrayOutputStream();
        type.writeBytes(new byte[] {1, 0x60, (byte) params.length});
        type.writeBytes(params);
        type.writeBytes(new byte[] {1, 0x7f});
        java.io.ByteArrayOutputStream imports = new java.io.ByteArrayOutputStream();
        imports.write(2);
        name(imports, KernelAbi.MEMORY_MODULE);
        name(imports, KernelAbi.MEMORY_NAME);
        imports.writeBytes(new byte[] {0x02, 0x03, 1, 3}); // shared memory, 1 to 3 pages
        name(imports, KernelAbi.TRAP_MODULE);
        name(imports, VectorAccumulateAbi.IMPORT_NAME);
        imports.writeBytes(new byte[] {0x00, 0}); // a function of type 0
        java.io.ByteArrayOutputStream exports = new java.io.ByteArrayOutputStream();
        exports.write(1);
        name(exports, "acc");
        exports.writeBytes(new byte[] {0x00, 1}); // function 1, after the import
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(0); // no locals
        for (int i = 0; i < params.length; i++) {
            body.writeBytes(new byte[] {0x20, (byte) i}); // local.get i
        }
        body.writeBytes(new byte[] {0x10, 0, 0x0b}); // call 0, end
        java.io.ByteArrayOutputStream code = new java.io.ByteArrayOutputStream();
        code.writeBytes(new byte[] {1, (byte) body.size()});
        code.writeBytes(body.toByteArray());
        java.io.ByteArrayOutputStream module = new java.io.ByteArrayOutputStream();
        module.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0});
        section(module, 1, type);
        section(module, 2, imports);
        section(module, 3, new byte[] {1, 0});
        section(module, 7, exports);
        section(module, 10, code);
        return module.toByteArray();
    }

    private static void name(java.io.ByteArrayOutputStream out, String name) {
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(bytes.length); // every name here is under 128 bytes: one LEB128 byte
        out.writeBytes(bytes);
    }

    private static void section(java.io.ByteArrayOutputStream out, int id, java.io.ByteArrayOutputStream content) {
        section(out, id, content.toByteArray());
    }

    private static void section(java.io.ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        out.write(content.length); // every section here is under 128 bytes
        out.writeBytes(content);
    }
}
