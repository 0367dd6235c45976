import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.*;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * What one call from Chicory-compiled Wasm to a host function costs: a loop of n calls of an imported
 * function against a loop of n additions (bench/RESULTS.md, "Where the scalar path stops"). The module
 * is written out byte by byte. Not part of the build; run it as a source file with the Chicory jars:
 *
 * <pre>java -cp bench/target/benchmarks.jar bench/models/HostCallModel.java</pre>
 */
public class HostCallModel {
    static byte[] module(boolean call) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int[] head = {0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0};
        for (int b : head) o.write(b);
        // types: 0 (i32 i32) -> (), 1 (i32) -> (i32)
        section(o, 1, new int[] {2, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 1, 0x7f, 1, 0x7f});
        section(o, 2, new int[] {1, 3, 'e', 'n', 'v', 1, 'f', 0x00, 0});
        section(o, 3, new int[] {1, 1});
        section(o, 7, new int[] {1, 3, 'r', 'u', 'n', 0x00, 1});
        // run(n): local acc; loop { [call f(n, acc) | acc += n]; n -= 1; br_if n } ; acc
        int[] body = call
            ? new int[] {1, 1, 0x7f, 0x03, 0x40, 0x20, 0, 0x20, 1, 0x10, 0, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x20, 1, 0x0b}
            : new int[] {1, 1, 0x7f, 0x03, 0x40, 0x20, 1, 0x20, 0, 0x6a, 0x21, 1, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x20, 1, 0x0b};
        int[] code = new int[body.length + 2];
        code[0] = 1; code[1] = body.length;
        System.arraycopy(body, 0, code, 2, body.length);
        section(o, 10, code);
        return o.toByteArray();
    }
    static void section(ByteArrayOutputStream o, int id, int[] bytes) {
        o.write(id); o.write(bytes.length);
        for (int b : bytes) o.write(b);
    }
    public static void main(String[] args) {
        long[] sink = {0};
        measure("add", instance(false, (inst, a) -> null));
        ExportFunction first = instance(true, (inst, a) -> {
            sink[0] += a[0] ^ a[1];
            return null;
        });
        measure("host call, one host function in the JVM", first);
        // a second module with another host function: the calls' shared paths in Chicory now see two
        ExportFunction second = instance(true, (inst, a) -> {
            sink[0] -= a[0] & a[1];
            return null;
        });
        measure("host call of a second module", second);
        measure("host call of the first module again", first);
        System.out.println("(" + sink[0] + ")");
    }

    static ExportFunction instance(boolean call, WasmFunctionHandle host) {
        var imports = ImportValues.builder().addFunction(new HostFunction("env", "f", List.of(ValType.I32, ValType.I32),
                List.of(), host)).build();
        return Instance.builder(Parser.parse(module(call))).withImportValues(imports)
                .withMachineFactory(MachineFactoryCompiler::compile).build().export("run");
    }

    static void measure(String what, ExportFunction run) {
        int n = 10_000_000;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 6; r++) {
            long t0 = System.nanoTime();
            run.apply(n);
            best = Math.min(best, (System.nanoTime() - t0) / (double) n);
        }
        System.out.printf("%s: %.2f ns per iteration (best of 6 loops of %d)%n", what, best, n);
    }
}
