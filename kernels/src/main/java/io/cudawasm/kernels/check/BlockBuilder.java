package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KStmt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/** Collects KIR statements; nested blocks are built by capturing what a lowering step emits. */
final class BlockBuilder {
    private final Deque<List<KStmt>> stack = new ArrayDeque<>();

    BlockBuilder() {
        stack.push(new ArrayList<>());
    }

    void emit(KStmt s) {
        stack.peek().add(s);
    }

    /** Runs {@code body}, returning what it emitted as a block (not emitted to the outer block). */
    KBlock capture(Runnable body) {
        stack.push(new ArrayList<>());
        try {
            body.run();
            return new KBlock(stack.peek());
        } finally {
            stack.pop();
        }
    }

    /** Like {@link #capture(Runnable)} for a step that also produces a value. */
    <T> Captured<T> capture(Supplier<T> body) {
        stack.push(new ArrayList<>());
        try {
            T value = body.get();
            return new Captured<>(value, new KBlock(stack.peek()));
        } finally {
            stack.pop();
        }
    }

    record Captured<T>(T value, KBlock statements) {}

    KBlock finish() {
        return new KBlock(stack.peek());
    }
}
