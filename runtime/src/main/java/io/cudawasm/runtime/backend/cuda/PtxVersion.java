package io.cudawasm.runtime.backend.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PTX ISA versions and the drivers that read them. nvcc 13 writes {@code .version 9.0}, which a
 * CUDA 12 driver rejects (CUDA_ERROR_UNSUPPORTED_PTX_VERSION) although these kernels use nothing
 * newer than ISA 7.x; lowering the header to what the driver reads is then the fallback.
 */
final class PtxVersion {
    private static final Pattern VERSION = Pattern.compile("(?m)^\\s*\\.version\\s+(\\d+)\\.(\\d+)");

    private PtxVersion() {}

    /** The newest PTX ISA a driver of this CUDA version reads, as major * 10 + minor; 0 if unknown. */
    static int supportedBy(int driverVersion) {
        int major = driverVersion / 1000;
        int minor = driverVersion % 1000 / 10;
        if (major >= 13) {
            return 90 + Math.min(minor, 9);
        }
        if (major == 12) {
            return switch (minor) {
                case 0, 1, 2, 3, 4, 5 -> 80 + minor;
                case 6, 7 -> 85;
                case 8 -> 87;
                default -> 88;
            };
        }
        if (major == 11) {
            return 70 + Math.min(minor, 8);
        }
        return 0;
    }

    /** The PTX with its {@code .version} lowered to {@code isa} when it is newer; unchanged otherwise. */
    static String lowered(String ptx, int isa) {
        Matcher m = VERSION.matcher(ptx);
        if (!m.find() || isa <= 0) {
            return ptx;
        }
        int have = Integer.parseInt(m.group(1)) * 10 + Integer.parseInt(m.group(2));
        if (have <= isa) {
            return ptx;
        }
        return ptx.substring(0, m.start()) + ".version " + isa / 10 + "." + isa % 10 + ptx.substring(m.end());
    }
}
