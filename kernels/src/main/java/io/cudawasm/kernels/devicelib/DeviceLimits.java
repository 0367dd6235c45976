package io.cudawasm.kernels.devicelib;

import io.cudawasm.kernels.abi.PrintfAbi;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import java.util.Map;

/**
 * The sizes of a module's device heap and printf buffer. CUDA sets them from the host
 * ({@code cudaDeviceSetLimit(cudaLimitMallocHeapSize / cudaLimitPrintfFifoSize, n)}), code the
 * compiler skips; here they are defines of the compile request ({@code -D}), so they are part of the
 * kernel's cache key: {@value #HEAP_DEFINE} and {@value #PRINTF_DEFINE}, in bytes. Both are the
 * module's static data, bounded with the rest by the compile limit {@code static-data-bytes}, and
 * held by every session of the module (the worker counts them in the job's memory).
 */
public record DeviceLimits(int heapBytes, int printfBufferBytes) {
    public static final String HEAP_DEFINE = "CUDA_WASM_MALLOC_HEAP_SIZE";
    public static final String PRINTF_DEFINE = "CUDA_WASM_PRINTF_FIFO_SIZE";

    /** CUDA's defaults: an 8 MiB heap, a 1 MiB printf buffer. */
    public static final DeviceLimits DEFAULT = new DeviceLimits(DeviceHeap.HEAP_BYTES, PrintfAbi.CAPACITY_BYTES);

    /** The limits the request's defines set, CUDA's defaults for the others. */
    public static DeviceLimits fromDefines(Map<String, String> defines) {
        return new DeviceLimits(size(defines, HEAP_DEFINE, DEFAULT.heapBytes(), 16),
                size(defines, PRINTF_DEFINE, DEFAULT.printfBufferBytes(), 64));
    }

    private static int size(Map<String, String> defines, String name, int fallback, int min) {
        String v = defines == null ? null : defines.get(name);
        if (v == null) {
            return fallback;
        }
        String t = v.trim().toUpperCase(java.util.Locale.ROOT).replaceAll("U?L{0,2}$", "");
        long n;
        try {
            n = t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw CompileException.at(SourcePos.BUILTIN, "-D " + name + "=" + v + ": expected a number of bytes");
        }
        if (n < min || n > (1L << 30)) {
            throw CompileException.at(SourcePos.BUILTIN, "-D " + name + "=" + v + ": must be between " + min
                    + " and 1073741824 bytes");
        }
        return (int) (n + 15) / 16 * 16;
    }
}
