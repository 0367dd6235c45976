package io.cudawasm.runtime.launch;

import io.cudawasm.kernels.abi.AccessSite;
import java.util.Locale;

/**
 * One out-of-bounds access found by memcheck ({@link LaunchOptions#memcheck()}).
 *
 * @param location the kernel, source position, block and thread of the access
 * @param access read, write, atomic, or pointer arithmetic that left the address space
 * @param bytes the size of the access
 * @param address the address accessed, as the kernel computed it (64 bits, may lie far outside memory)
 * @param bufferKind where the pointer came from: a kernel parameter, a shared, local or static array,
 *     or {@link AccessSite.Region#UNKNOWN} when the compiler could not tell (the access then only has
 *     to fall inside some live allocation)
 * @param buffer the parameter, array or variable name; for an unknown origin, the nearest allocation
 *     below the address, if any
 * @param offset the access's offset from the start of {@code buffer} (negative before it); null when no
 *     buffer is named
 * @param bufferBytes the size of {@code buffer}; null when none is named
 */
public record MemoryViolation(FaultLocation location, AccessSite.Access access, int bytes, long address,
        AccessSite.Region bufferKind, String buffer, Long offset, Long bufferBytes) {

    /** A compute-sanitizer-like description on one line. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (access == AccessSite.Access.POINTER) {
            b.append("Pointer arithmetic left the device address space");
        } else {
            b.append("Invalid ").append(access.name().toLowerCase(Locale.ROOT)).append(" of ").append(bytes)
                    .append(bytes == 1 ? " byte" : " bytes");
        }
        String where = location.describe();
        if (!where.isEmpty()) {
            b.append(' ').append(where);
        }
        b.append(": address 0x").append(Long.toHexString(address));
        if (buffer == null) {
            b.append(" is not inside any allocation");
            return b.toString();
        }
        String what = switch (bufferKind) {
            case PARAMETER -> "parameter '" + buffer + "'";
            case SHARED -> "__shared__ '" + buffer + "'";
            case LOCAL -> "local '" + buffer + "'";
            case STATIC -> "variable '" + buffer + "'";
            case UNKNOWN -> "the nearest allocation, " + buffer;
        };
        if (bufferBytes != null && bufferBytes == 0) {
            b.append(" is through ").append(what).append(", which is null or empty");
        } else if (offset != null && bufferBytes != null && offset < 0) {
            b.append(" is ").append(-offset).append(" bytes before ").append(what).append(" (")
                    .append(bufferBytes).append(" bytes)");
        } else if (offset != null && bufferBytes != null && offset >= bufferBytes) {
            b.append(" is ").append(offset - bufferBytes).append(" bytes after the end of ").append(what).append(" (")
                    .append(bufferBytes).append(" bytes)");
        } else {
            b.append(" overruns the end of ").append(what).append(" (").append(bufferBytes).append(" bytes)");
        }
        if (offset != null) {
            b.append(", offset ").append(offset);
        }
        return b.toString();
    }
}
