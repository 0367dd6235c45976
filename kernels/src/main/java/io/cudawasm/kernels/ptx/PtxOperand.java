package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/** An instruction operand as written. */
public sealed interface PtxOperand {
    SourcePos pos();

    /** A register, special register ({@code %tid.x}) or vector-register element. */
    record Register(String name, SourcePos pos) implements PtxOperand {}

    record IntImmediate(long value, SourcePos pos) implements PtxOperand {}

    /**
     * A floating-point immediate; {@code bits} holds the exact encoding of the hex forms
     * ({@code 0f3F800000} is single, {@code 0d...} double), decimal literals are doubles.
     */
    record FloatImmediate(double value, boolean single, long bits, SourcePos pos) implements PtxOperand {}

    /** A variable, function or label name. */
    record Symbol(String name, SourcePos pos) implements PtxOperand {}

    /** {@code [base+offset]}; base is a register, a symbol, or null for an absolute address. */
    record Address(PtxOperand base, long offset, SourcePos pos) implements PtxOperand {}

    /**
     * {@code [base, {c0, c1, ...}]}: an object and coordinates in it (a tensor map's box for
     * {@code cp.async.bulk.tensor}; textures and surfaces are written so too).
     */
    record IndexedAddress(PtxOperand base, List<PtxOperand> coordinates, SourcePos pos) implements PtxOperand {}

    /** {@code {a, b, c, d}}: the elements of a vector load, store or move. */
    record Vector(List<PtxOperand> elements, SourcePos pos) implements PtxOperand {}

    /** {@code !p}: a negated predicate. */
    record Negated(PtxOperand operand, SourcePos pos) implements PtxOperand {}

    /** {@code d|p}: a result and a predicate result. */
    record Pair(PtxOperand first, PtxOperand second, SourcePos pos) implements PtxOperand {}

    /** {@code _}: a result nobody reads. */
    record Sink(SourcePos pos) implements PtxOperand {}

    /** {@code (a, b)}: the return and argument lists of {@code call}. */
    record Parenthesized(List<PtxOperand> elements, SourcePos pos) implements PtxOperand {}
}
