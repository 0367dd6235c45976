package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.SourcePos;

/** A value in a variable initializer. */
public sealed interface PtxLiteral {
    SourcePos pos();

    record Int(long value, SourcePos pos) implements PtxLiteral {}

    /** A float; {@code bits}/{@code single} as in {@link PtxOperand.FloatImmediate}. */
    record Float(double value, boolean single, long bits, SourcePos pos) implements PtxLiteral {}

    /** The address of a variable or function ({@code generic(x)}, {@code x}): not supported yet. */
    record Address(String name, SourcePos pos) implements PtxLiteral {}
}
