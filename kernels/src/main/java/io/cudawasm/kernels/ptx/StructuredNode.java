package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import java.util.ArrayList;
import java.util.List;

/**
 * The intermediate structured form, WebAssembly-like: blocks and loops carry labels, and a
 * branch names the construct it leaves ({@link Block}: to its end) or restarts ({@link Loop}).
 * Bodies are mutable lists so the simplifier can rewrite them in place.
 */
sealed interface StructuredNode {

    /** A branch target; {@code id} is unique in the function. */
    final class Label {
        private final int id;
        private final String name;

        Label(int id, String name) {
            this.id = id;
            this.name = name;
        }

        int id() {
            return id;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Straight-line kernel IR. */
    record Leaf(KStmt statement) implements StructuredNode {}

    record If(KExpr condition, List<StructuredNode> then, List<StructuredNode> otherwise) implements StructuredNode {
        public If {
            then = new ArrayList<>(then);
            otherwise = new ArrayList<>(otherwise);
        }
    }

    /** A forward-branch target: {@code Br(label)} continues after the block. */
    record Block(Label label, List<StructuredNode> body) implements StructuredNode {
        public Block {
            body = new ArrayList<>(body);
        }
    }

    /**
     * A loop: {@code Br(label)} restarts it; control never falls off its end. {@code exits} are
     * labels of blocks that ended right after this loop and were folded away: a branch to one of
     * them leaves this loop.
     */
    record Loop(Label label, List<StructuredNode> body, List<Label> exits) implements StructuredNode {
        public Loop {
            body = new ArrayList<>(body);
            exits = new ArrayList<>(exits);
        }
    }

    record Br(Label label) implements StructuredNode {}
}
