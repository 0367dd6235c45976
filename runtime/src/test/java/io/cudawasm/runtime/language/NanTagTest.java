package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code nan(tag)} and {@code nanf(tag)} with a string literal (issue 18: the {@code interval}
 * sample's {@code ::nan("")}), as CUDA's device library defines them: the tag read as an unsigned
 * integer (0x hexadecimal, leading 0 octal, else decimal; a character outside the base gives 0, a
 * value past 64 bits all ones), its bits below the exponent kept in a quiet NaN. Checked bit for
 * bit on every path, nvcc's own folding of CUDA's implementation included.
 */
class NanTagTest {
    private static final String[] TAGS = {"", "1", "0x123", "0X1F", "017", "08", "abc", "12x",
        "99999999999999999999999", "0xffffffffffffffff", "4503599627370495"};

    @Test
    void nanTagsGiveCudasPayloads() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < TAGS.length; i++) {
            body.append("    d[").append(i).append("] = __double_as_longlong(nan(\"").append(TAGS[i]).append("\"));\n");
            body.append("    f[").append(i).append("] = __float_as_int(nanf(\"").append(TAGS[i]).append("\"));\n");
        }
        String src = """
                struct Arith {
                    __device__ __host__ double nan() { return ::nan(""); }
                };
                __global__ void tags(long long* d, int* f, long long* member)
                {
                """ + body + """
                    Arith a;
                    member[0] = __double_as_longlong(a.nan());
                }
                """;
        long[] d = new long[TAGS.length];
        int[] f = new int[TAGS.length];
        for (int i = 0; i < TAGS.length; i++) {
            long payload = payload(TAGS[i]);
            d[i] = payload & 0x000F_FFFF_FFFF_FFFFL | 0x7FF8_0000_0000_0000L;
            f[i] = (int) (payload & 0x003F_FFFF) | 0x7FC0_0000;
        }
        AllPaths.check(CaseBuilder.of("nan_tags", "nan_tags.cu", src).kernel("tags").launch(Dim3.of(1), Dim3.of(1))
                .out("d", new long[TAGS.length], d).out("f", new int[TAGS.length], f)
                .out("member", new long[1], new long[] {0x7FF8_0000_0000_0000L}).build());
    }

    /** The payload a tag spells, read here with BigInteger (an independent reading of the same rule). */
    private static long payload(String tag) {
        int radix = tag.matches("0[xX].*") ? 16 : tag.startsWith("0") ? 8 : 10;
        String digits = radix == 16 ? tag.substring(2) : radix == 8 ? tag.substring(1) : tag;
        if (digits.isEmpty()) {
            return 0;
        }
        BigInteger v;
        try {
            v = new BigInteger(digits, radix);
        } catch (NumberFormatException e) {
            return 0;
        }
        return v.bitLength() > 64 ? -1L : v.longValue();
    }
}
