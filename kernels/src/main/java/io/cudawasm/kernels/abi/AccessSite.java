package io.cudawasm.kernels.abi;

/**
 * A place in a kernel where memory is accessed, as a memcheck module numbers them: a violation
 * report from the module names its site by index into {@code WasmModule.sites()}.
 *
 * @param function the source name of the function that contains the access
 * @param access what the code does there
 * @param bytes the size of the access (0 for pointer arithmetic)
 * @param file the source file (null when unknown)
 * @param line 1-based line (0 when unknown)
 * @param column 1-based column (0 when unknown)
 * @param region where the accessed pointer came from, as far as the compiler could tell
 * @param name the parameter, {@code __shared__} array, local or variable it came from (null for
 *     {@link Region#UNKNOWN})
 * @param parameter the kernel parameter's index for {@link Region#PARAMETER}, else -1
 */
public record AccessSite(String function, Access access, int bytes, String file, int line, int column,
        Region region, String name, int parameter) {

    /** What the code does at a site. */
    public enum Access {
        READ,
        WRITE,
        /** A read-modify-write. */
        ATOMIC,
        /** Pointer arithmetic whose result lies outside the address space (it is never dereferenced). */
        POINTER
    }

    /** The kind of allocation an accessed pointer was derived from. */
    public enum Region {
        /** A buffer passed as a kernel argument. */
        PARAMETER,
        SHARED,
        /** A local array, struct or variable in the thread's frame. */
        LOCAL,
        /** A {@code __device__} or {@code __constant__} variable. */
        STATIC,
        /** Not known at compile time: the access must fall inside some live allocation. */
        UNKNOWN
    }
}
