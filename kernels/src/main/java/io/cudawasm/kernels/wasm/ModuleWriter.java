package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.KernelAbi;
import java.util.ArrayList;
import java.util.List;

/** Assembles a WebAssembly module (binary and text) from imports, globals and function bodies. */
final class ModuleWriter {
    record Import(String module, String name, int typeIndex, String displayName) {}

    record Global(String name, ValType type, int init) {}

    record Function(String name, int typeIndex, List<ValType> paramTypes, List<String> paramNames,
            List<ValType> localTypes, List<String> localNames, byte[] body, String bodyText) {}

    record Export(String name, int functionIndex) {}

    private final List<FuncType> types = new ArrayList<>();
    private final List<Import> imports = new ArrayList<>();
    private final List<Global> globals = new ArrayList<>();
    private final List<Function> functions = new ArrayList<>();
    private final List<Export> exports = new ArrayList<>();

    int typeIndex(FuncType t) {
        int i = types.indexOf(t);
        if (i >= 0) {
            return i;
        }
        types.add(t);
        return types.size() - 1;
    }

    /** Function imports must all be added before any function is defined (they come first in the index space). */
    int addImport(String module, String name, FuncType type) {
        if (!functions.isEmpty()) {
            throw new IllegalStateException("imports after functions");
        }
        imports.add(new Import(module, name, typeIndex(type), module + "." + name));
        return imports.size() - 1;
    }

    int importCount() {
        return imports.size();
    }

    int addGlobal(String name, ValType type, int init) {
        globals.add(new Global(name, type, init));
        return globals.size() - 1;
    }

    /** Reserves a function index; the body is supplied later with {@link #define}. */
    int declareFunction(String name, FuncType type, List<String> paramNames) {
        functions.add(new Function(name, typeIndex(type), type.params(), paramNames, List.of(), List.of(), null, null));
        return imports.size() + functions.size() - 1;
    }

    void define(int functionIndex, List<ValType> localTypes, List<String> localNames, CodeWriter code) {
        int i = functionIndex - imports.size();
        Function f = functions.get(i);
        code.finish();
        functions.set(i, new Function(f.name(), f.typeIndex(), f.paramTypes(), f.paramNames(), List.copyOf(localTypes),
                List.copyOf(localNames), code.bytes(), code.text()));
    }

    void export(String name, int functionIndex) {
        exports.add(new Export(name, functionIndex));
    }

    String functionName(int index) {
        return index < imports.size() ? imports.get(index).displayName() : functions.get(index - imports.size()).name();
    }

    private static void section(ByteWriter out, int id, ByteWriter content) {
        out.u8(id).u32(content.size()).bytes(content.toByteArray());
    }

    byte[] binary() {
        ByteWriter out = new ByteWriter();
        out.u8(0x00).u8(0x61).u8(0x73).u8(0x6D).u8(0x01).u8(0x00).u8(0x00).u8(0x00);
        ByteWriter s = new ByteWriter();
        s.u32(types.size());
        for (FuncType t : types) {
            s.u8(0x60).u32(t.params().size());
            t.params().forEach(p -> s.u8(p.code()));
            s.u32(t.results().size());
            t.results().forEach(r -> s.u8(r.code()));
        }
        section(out, 1, s);

        ByteWriter im = new ByteWriter();
        im.u32(imports.size() + 1);
        im.name(KernelAbi.MEMORY_MODULE).name(KernelAbi.MEMORY_NAME).u8(0x02).u8(0x03)
                .u32(1).u32(KernelAbi.MAX_MEMORY_PAGES);
        for (Import i : imports) {
            im.name(i.module()).name(i.name()).u8(0x00).u32(i.typeIndex());
        }
        section(out, 2, im);

        ByteWriter fs = new ByteWriter();
        fs.u32(functions.size());
        functions.forEach(f -> fs.u32(f.typeIndex()));
        section(out, 3, fs);

        ByteWriter gs = new ByteWriter();
        gs.u32(globals.size());
        for (Global g : globals) {
            gs.u8(g.type().code()).u8(0x01);
            gs.u8(0x41).s32(g.init()).u8(0x0B);
        }
        section(out, 6, gs);

        ByteWriter es = new ByteWriter();
        es.u32(exports.size());
        for (Export e : exports) {
            es.name(e.name()).u8(0x00).u32(e.functionIndex());
        }
        section(out, 7, es);

        ByteWriter cs = new ByteWriter();
        cs.u32(functions.size());
        for (Function f : functions) {
            if (f.body() == null) {
                throw new IllegalStateException("function " + f.name() + " was declared but not defined");
            }
            ByteWriter body = new ByteWriter();
            // locals compressed into runs of equal type
            List<int[]> runs = new ArrayList<>();
            for (ValType t : f.localTypes()) {
                if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == t.code()) {
                    runs.get(runs.size() - 1)[0]++;
                } else {
                    runs.add(new int[] {1, t.code()});
                }
            }
            body.u32(runs.size());
            for (int[] r : runs) {
                body.u32(r[0]).u8(r[1]);
            }
            body.bytes(f.body());
            cs.u32(body.size()).bytes(body.toByteArray());
        }
        section(out, 10, cs);

        ByteWriter names = new ByteWriter();
        names.name("name");
        ByteWriter fnames = new ByteWriter();
        fnames.u32(imports.size() + functions.size());
        for (int i = 0; i < imports.size() + functions.size(); i++) {
            fnames.u32(i).name(functionName(i));
        }
        names.u8(1).u32(fnames.size()).bytes(fnames.toByteArray());
        section(out, 0, names);
        return out.toByteArray();
    }

    String text() {
        StringBuilder sb = new StringBuilder("(module\n");
        for (int i = 0; i < types.size(); i++) {
            sb.append("  (type (;").append(i).append(";) (func").append(types.get(i).text()).append("))\n");
        }
        sb.append("  (import \"").append(KernelAbi.MEMORY_MODULE).append("\" \"").append(KernelAbi.MEMORY_NAME)
                .append("\" (memory 1 ").append(KernelAbi.MAX_MEMORY_PAGES).append(" shared))\n");
        for (Import i : imports) {
            sb.append("  (import \"").append(i.module()).append("\" \"").append(i.name()).append("\" (func $")
                    .append(i.displayName()).append(" (type ").append(i.typeIndex()).append(")))\n");
        }
        for (Global g : globals) {
            sb.append("  (global $").append(g.name()).append(" (mut ").append(g.type().text()).append(") (")
                    .append(g.type().text()).append(".const ").append(g.init()).append("))\n");
        }
        for (Export e : exports) {
            sb.append("  (export \"").append(e.name()).append("\" (func $").append(functionName(e.functionIndex()))
                    .append("))\n");
        }
        for (Function f : functions) {
            sb.append("  (func $").append(f.name()).append(" (type ").append(f.typeIndex()).append(')');
            for (int i = 0; i < f.paramTypes().size(); i++) {
                sb.append(" (param $").append(f.paramNames().get(i)).append(' ').append(f.paramTypes().get(i).text()).append(')');
            }
            FuncType t = types.get(f.typeIndex());
            if (!t.results().isEmpty()) {
                sb.append(" (result ").append(t.results().get(0).text()).append(')');
            }
            sb.append('\n');
            for (int i = 0; i < f.localTypes().size(); i++) {
                sb.append("    (local $").append(f.localNames().get(i)).append(' ').append(f.localTypes().get(i).text())
                        .append(")\n");
            }
            sb.append(f.bodyText() == null ? "" : f.bodyText()).append("  )\n");
        }
        return sb.append(")\n").toString();
    }
}
