package io.cudawasm.kernels.preprocess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The built-in {@code cuda_fp16.h} and {@code cuda_bf16.h}: {@code __half}/{@code __half2} and
 * {@code __nv_bfloat16}/{@code __nv_bfloat162} as classes holding their 16 bits, and CUDA's
 * conversions, arithmetic, comparisons, operators and shuffles on them, written in the CUDA C++
 * this compiler accepts (the resources next to this class). Both include the rounding core
 * {@code cw_float16_core.h}, which the PTX front end compiles for its {@code .f16} and
 * {@code .bf16} instructions.
 */
public final class HalfPrecisionHeader {
    private HalfPrecisionHeader() {}

    /** The header's name as sources include it. */
    public static final String NAME = "cuda_fp16.h";

    /** The bfloat16 header's name as sources include it. */
    public static final String BFLOAT16_NAME = "cuda_bf16.h";

    /** The rounding core's name, as both headers include it. */
    public static final String CORE_NAME = "cw_float16_core.h";

    /** The names the headers are included by (CUDA's {@code .hpp} halves included directly too). */
    public static final Set<String> LIBRARY_FILES = Set.of(NAME, "cuda_fp16.hpp", BFLOAT16_NAME, "cuda_bf16.hpp",
            CORE_NAME);

    private static final String TEXT = load(NAME);
    private static final String BFLOAT16_TEXT = load(BFLOAT16_NAME);
    private static final String CORE = load(CORE_NAME);

    public static String text() {
        return TEXT;
    }

    public static String bfloat16Text() {
        return BFLOAT16_TEXT;
    }

    /**
     * The rounding core ({@code cw_float16_core.h}): the functions on raw bits
     * ({@code __cw_float2half_bits}, {@code __cw_half2float_bits}, {@code __cw_hop_bits},
     * {@code __cw_hfma_bits}, {@code __cw_bf16fma_bits}, ...) that both headers and the PTX front
     * end's {@code .f16} and {@code .bf16} instructions call.
     */
    public static String core() {
        return CORE;
    }

    private static String load(String name) {
        try (InputStream in = HalfPrecisionHeader.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the compiler's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
