package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourceFile;
import java.util.List;

/** NVIDIA PTX to kernel IR: parse, then lower each function and structure its branches. */
public final class PtxFrontend {
    private PtxFrontend() {}

    public static KModule toKir(SourceFile file, List<Diagnostic> warnings) {
        return toKir(file, io.cudawasm.kernels.devicelib.DeviceLimits.DEFAULT, warnings);
    }

    /** {@code limits}: the sizes of the device heap and printf buffer nvcc's malloc and vprintf use. */
    public static KModule toKir(SourceFile file, io.cudawasm.kernels.devicelib.DeviceLimits limits,
            List<Diagnostic> warnings) {
        PtxModule module = PtxParser.parse(file);
        return new ModuleLowering(module, warnings, limits).lower();
    }

    /**
     * Whether a source is PTX: the file name ends in {@code .ptx}, or the text starts (after
     * comments and blank lines) with the {@code .version} directive.
     */
    public static boolean isPtx(String fileName, String text) {
        if (fileName != null && fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".ptx")) {
            return true;
        }
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '\uFEFF') {
                i++;
            } else if (text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                return text.startsWith(".version", i) && (i + 8 == n || Character.isWhitespace(text.charAt(i + 8)));
            }
        }
        return false;
    }
}
