package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import java.util.List;

/** How a basic block ends. Targets are block ids; {@link #RETURN} leaves the function. */
public sealed interface Terminator {
    int RETURN = -1;

    List<Integer> targets();

    record Jump(int target) implements Terminator {
        @Override
        public List<Integer> targets() {
            return List.of(target);
        }
    }

    /** {@code @p bra L}: to {@code ifTrue} when the predicate holds, else to {@code ifFalse}. */
    record Branch(KExpr condition, int ifTrue, int ifFalse) implements Terminator {
        @Override
        public List<Integer> targets() {
            return List.of(ifTrue, ifFalse);
        }
    }

    /** {@code ret} or {@code exit}. */
    record Exit() implements Terminator {
        @Override
        public List<Integer> targets() {
            return List.of(RETURN);
        }
    }
}
