package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names visible in a function body, innermost scope first ({@code { }} inside a body opens a
 * scope; call sequences declare their parameters in one). Registers declared as ranges
 * ({@code %r<100>}) get a local on first use only.
 */
final class Scopes {
    private static final Pattern NOT_IDENTIFIER = Pattern.compile("[^A-Za-z0-9_]");
    private final KFunction fn;
    private final Deque<Scope> scopes = new ArrayDeque<>();

    private static final class Scope {
        final Map<String, Binding> names = new HashMap<>();
        final List<PtxVariable> ranges = new ArrayList<>();
    }

    Scopes(KFunction fn, Map<String, Binding> moduleNames) {
        this.fn = fn;
        Scope module = new Scope();
        module.names.putAll(moduleNames);
        scopes.push(module);
        scopes.push(new Scope());
    }

    void push() {
        scopes.push(new Scope());
    }

    void pop() {
        scopes.pop();
    }

    void bind(String name, Binding b) {
        scopes.peek().names.put(name, b);
    }

    /** Declares registers: a range, a single register, or a vector register (one local per element). */
    void declareRegisters(PtxVariable v) {
        if (v.registerRange() > 0) {
            scopes.peek().ranges.add(v);
            return;
        }
        if (v.vector() > 0) {
            String[] comps = {"x", "y", "z", "w"};
            for (int i = 0; i < v.vector() && i < 4; i++) {
                KLocal l = fn.newLocal(clean(v.name()) + "_" + comps[i], v.type().kir(), v.pos());
                bind(v.name() + "." + comps[i], new Binding.Register(l, v.type()));
                bind(v.name() + "." + "rgba".charAt(i), new Binding.Register(l, v.type()));
            }
            return;
        }
        bind(v.name(), new Binding.Register(fn.newLocal(clean(v.name()), v.type().kir(), v.pos()), v.type()));
    }

    static String clean(String name) {
        String n = NOT_IDENTIFIER.matcher(name).replaceAll("");
        return n.isEmpty() ? "r" : n;
    }

    /** The binding of a name, or null. */
    Binding lookup(String name) {
        for (Scope s : scopes) {
            Binding b = s.names.get(name);
            if (b != null) {
                return b;
            }
            for (PtxVariable range : s.ranges) {
                String prefix = range.name();
                if (name.length() > prefix.length() && name.startsWith(prefix)) {
                    String digits = name.substring(prefix.length());
                    if (digits.length() <= 18 && digits.chars().allMatch(Character::isDigit)
                            && (digits.length() == 1 || digits.charAt(0) != '0')) {
                        long index = Long.parseLong(digits);
                        if (index < range.registerRange()) {
                            Binding made = new Binding.Register(fn.newLocal(clean(name), range.type().kir(), range.pos()),
                                    range.type());
                            s.names.put(name, made);
                            return made;
                        }
                    }
                }
            }
        }
        return null;
    }

    Binding.Register register(String name, SourcePos pos) {
        Binding b = lookup(name);
        if (b instanceof Binding.Register r) {
            return r;
        }
        if (b == null) {
            throw CompileException.at(pos, "undeclared register '" + name + "'");
        }
        throw CompileException.at(pos, "'" + name + "' is not a register");
    }
}
