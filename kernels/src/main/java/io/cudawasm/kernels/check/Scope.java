package io.cudawasm.kernels.check;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Nested block scopes of a function body. */
final class Scope {
    private final Deque<Map<String, Symbol>> frames = new ArrayDeque<>();

    Scope() {
        push();
    }

    void push() {
        frames.push(new HashMap<>());
    }

    void pop() {
        frames.pop();
    }

    /** Declares in the innermost scope; false when the name is already declared there. */
    boolean declare(String name, Symbol symbol) {
        return frames.peek().putIfAbsent(name, symbol) == null;
    }

    Symbol lookup(String name) {
        for (Map<String, Symbol> f : frames) {
            Symbol s = f.get(name);
            if (s != null) {
                return s;
            }
        }
        return null;
    }
}
