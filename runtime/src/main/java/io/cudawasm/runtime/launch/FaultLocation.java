package io.cudawasm.runtime.launch;

/**
 * Where a kernel went wrong: the kernel, the source position of the faulting access and the block
 * and thread that made it. Any field but {@code kernel} may be null when it is not known (a fault
 * the runtime could not reproduce to locate it, code that runs once per block).
 */
public record FaultLocation(String kernel, String file, Integer line, Integer column, Index3 blockIdx,
        Index3 threadIdx) {

    /** Only the kernel is known. */
    public static FaultLocation kernelOnly(String kernel) {
        return new FaultLocation(kernel, null, null, null, null, null);
    }

    /** {@code file:line:column} as far as known, or null. */
    public String position() {
        if (line == null) {
            return null;
        }
        return (file == null ? "" : file + ":") + line + (column == null ? "" : ":" + column);
    }

    /** {@code at kernel.cu:3:5 in block (0,0,0), thread (3,0,0)}, leaving out what is unknown. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (position() != null) {
            b.append("at ").append(position());
        }
        if (blockIdx != null) {
            b.append(b.isEmpty() ? "" : " ").append("in block ").append(blockIdx);
        }
        if (threadIdx != null) {
            b.append(blockIdx == null ? (b.isEmpty() ? "in " : " in ") : ", ").append("thread ").append(threadIdx);
        }
        return b.toString();
    }
}
