package io.cudawasm.kernels.preprocess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The built-in {@code cuda_fp16.h}: {@code __half}/{@code __half2} as classes holding binary16 bits,
 * and CUDA's conversions, arithmetic, comparisons, operators and shuffles on them, written in the
 * CUDA C++ this compiler accepts (the resource {@code cuda_fp16.h} next to this class). The PTX
 * front end compiles the same text for the rounding core its {@code .f16} instructions call.
 */
public final class HalfPrecisionHeader {
    private HalfPrecisionHeader() {}

    /** The header's name as sources include it. */
    public static final String NAME = "cuda_fp16.h";

    private static final String TEXT = load();

    public static String text() {
        return TEXT;
    }

    /**
     * The rounding core alone (between the header's {@code <core>} marks): the functions on raw
     * bits ({@code __cw_float2half_bits}, {@code __cw_half2float_bits}, {@code __cw_hop_bits},
     * {@code __cw_hfma_bits}, ...) that the PTX front end calls for {@code .f16} instructions.
     */
    public static String core() {
        int from = TEXT.indexOf("// <core>");
        int to = TEXT.indexOf("// </core>");
        return TEXT.substring(from, to);
    }

    private static String load() {
        try (InputStream in = HalfPrecisionHeader.class.getResourceAsStream(NAME)) {
            if (in == null) {
                throw new IllegalStateException("resource " + NAME + " is missing from the compiler's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
