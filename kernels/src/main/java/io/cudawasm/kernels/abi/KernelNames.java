package io.cudawasm.kernels.abi;

import java.util.regex.Pattern;

/**
 * How a launch may name a kernel: by its symbol, or as written in the source, where a template
 * kernel's arguments may be spaced freely and a {@code bool} argument spelled {@code true} or
 * {@code 1} ({@code reduceSinglePass<128, true>}, {@code reduceSinglePass<128,1>}): the source path
 * and the PTX path name instances alike.
 */
public final class KernelNames {
    private static final Pattern TRUE = Pattern.compile("(?<=[<,])true(?=[,>])");
    private static final Pattern FALSE = Pattern.compile("(?<=[<,])false(?=[,>])");

    private KernelNames() {}

    /** Whether {@code requested} names the kernel with this symbol and source name. */
    public static boolean matches(String symbol, String sourceName, String requested) {
        return symbol.equals(requested) || canonical(sourceName).equals(canonical(requested));
    }

    /** The name without spaces, with {@code true}/{@code false} template arguments as 1/0. */
    public static String canonical(String name) {
        String s = name.replace(" ", "");
        if (s.indexOf('<') < 0) {
            return s;
        }
        return FALSE.matcher(TRUE.matcher(s).replaceAll("1")).replaceAll("0");
    }
}
