package io.cudawasm.runtime.service.kernels;

import java.util.Locale;

/** Where a kernel lookup found its kernel; reported to callers and counted in metrics. */
public enum KernelSourceKind {
    /** Already loaded in this process. */
    MEMORY,
    /** Read (and verified) from the kernel cache directory: no compile. */
    DISK,
    /** Compiled by this request. */
    COMPILED,
    /** Not known here: its compile request came from another replica of the fleet (id verified), compiled here. */
    PEER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
