package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayList;
import java.util.List;

/** Straight-line kernel IR between PTX labels and branches, and how it ends. */
final class BasicBlock {
    private final int id;
    private final String label;
    private SourcePos pos;
    private final List<KStmt> statements = new ArrayList<>();
    private Terminator terminator;

    BasicBlock(int id, String label, SourcePos pos) {
        this.id = id;
        this.label = label;
        this.pos = pos;
    }

    int id() {
        return id;
    }

    String label() {
        return label;
    }

    SourcePos pos() {
        return pos;
    }

    void definedAt(SourcePos p) {
        this.pos = p;
    }

    List<KStmt> statements() {
        return statements;
    }

    Terminator terminator() {
        return terminator;
    }

    boolean isTerminated() {
        return terminator != null;
    }

    void terminate(Terminator t) {
        if (terminator == null) {
            terminator = t;
        }
    }

    void retarget(Terminator t) {
        terminator = t;
    }

    @Override
    public String toString() {
        return label != null ? label : "block" + id;
    }
}
