package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;
import java.util.Optional;

/** A statement of a function body, in textual order. */
public sealed interface PtxStatement {
    SourcePos pos();

    record Label(String name, SourcePos pos) implements PtxStatement {}

    /** A declaration inside the body (registers, local/shared variables, call parameters). */
    record Declaration(PtxVariable variable) implements PtxStatement {
        @Override
        public SourcePos pos() {
            return variable.pos();
        }
    }

    /** {@code {}: opens a scope for declarations (call sequences use them). */
    record ScopeStart(SourcePos pos) implements PtxStatement {}

    record ScopeEnd(SourcePos pos) implements PtxStatement {}

    /**
     * An instruction: {@code @!%p ld.global.v4.f32 ...} has guard %p (negated), opcode {@code ld}
     * and modifiers [global, v4, f32]. {@code origin} is the CUDA source position the PTX's line
     * information ({@code .loc}, from {@code nvcc -lineinfo} or {@code -G}) gives it, or null.
     */
    record Instruction(Guard guard, String opcode, List<String> modifiers, List<PtxOperand> operands,
            SourcePos pos, SourcePos origin) implements PtxStatement {

        public Instruction {
            modifiers = List.copyOf(modifiers);
            operands = List.copyOf(operands);
        }

        public Instruction(Guard guard, String opcode, List<String> modifiers, List<PtxOperand> operands,
                SourcePos pos) {
            this(guard, opcode, modifiers, operands, pos, null);
        }

        /** Where the instruction came from for fault reports: the CUDA line when known, else the PTX line. */
        public SourcePos sourcePos() {
            return origin != null ? origin : pos;
        }

        public boolean has(String modifier) {
            return modifiers.contains(modifier);
        }

        /** The spelling as written, without operands: {@code ld.global.f32}. */
        public String mnemonic() {
            return modifiers.isEmpty() ? opcode : opcode + "." + String.join(".", modifiers);
        }

        /** The last modifier that names a type ({@code cvt.rn.f32.s32} has two; see {@link #types}). */
        public Optional<PtxType> type() {
            List<PtxType> ts = types();
            return ts.isEmpty() ? Optional.empty() : Optional.of(ts.get(ts.size() - 1));
        }

        public List<PtxType> types() {
            return modifiers.stream().map(PtxType::of).flatMap(Optional::stream).toList();
        }

        public Optional<StateSpace> space() {
            return modifiers.stream().map(StateSpace::of).flatMap(Optional::stream).findFirst();
        }

        /** 2, 4 or 8 for {@code .v2}/{@code .v4}/{@code .v8}; 1 otherwise. */
        public int vectorWidth() {
            for (String m : modifiers) {
                if (m.equals("v2") || m.equals("v4") || m.equals("v8")) {
                    return m.charAt(1) - '0';
                }
            }
            return 1;
        }

        public PtxOperand operand(int i) {
            return operands.get(i);
        }
    }

    /** {@code @p} or {@code @!p} in front of an instruction. */
    record Guard(String register, boolean negated, SourcePos pos) {}
}
