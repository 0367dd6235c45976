package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.types.AddressSpace;
import java.util.Optional;

/** Where a PTX variable lives or an access goes ({@code GENERIC}: no space named). */
public enum StateSpace {
    REG, SREG, CONST, GLOBAL, LOCAL, PARAM, SHARED, TEX, GENERIC;

    /** The state space named by a directive or modifier ({@code shared::cta} counts as shared). */
    public static Optional<StateSpace> of(String modifier) {
        String m = modifier.startsWith(".") ? modifier.substring(1) : modifier;
        int colons = m.indexOf("::");
        String base = colons >= 0 ? m.substring(0, colons) : m;
        return switch (base) {
            case "reg" -> Optional.of(REG);
            case "sreg" -> Optional.of(SREG);
            case "const" -> Optional.of(CONST);
            case "global" -> Optional.of(GLOBAL);
            case "local" -> Optional.of(LOCAL);
            case "param" -> Optional.of(PARAM);
            case "shared" -> Optional.of(SHARED);
            case "tex" -> Optional.of(TEX);
            default -> Optional.empty();
        };
    }

    /** The kernel IR address space of pointers into this space. */
    public AddressSpace addressSpace() {
        return switch (this) {
            case CONST -> AddressSpace.CONSTANT;
            case GLOBAL -> AddressSpace.GLOBAL;
            case LOCAL, PARAM -> AddressSpace.LOCAL;
            case SHARED -> AddressSpace.SHARED;
            default -> AddressSpace.GENERIC;
        };
    }
}
