package io.cudawasm.kernels.preprocess;

import io.cudawasm.kernels.abi.TensorMapAbi;

/**
 * sm_90's bulk tensor copies in C: {@code CUtensorMap} (which {@code cuda.h} declares) and the one
 * function both front ends copy a box with, {@code __cw_tensor_copy}. The CUDA source path reaches
 * it through {@code cde::cp_async_bulk_tensor_*} (preprocess/AsyncCopyHeaders), the PTX front end
 * compiles {@link #core()} once per module that has a {@code cp.async.bulk.tensor} and calls it.
 * It reads the map in the layout of {@link TensorMapAbi} and copies at the call, like the other
 * bulk copies, so the mbarrier's transaction count is met before anyone waits.
 *
 * <p>Row by row of the box (the innermost dimension is contiguous in both memories): a row outside
 * the tensor is zeros in shared memory (and not stored back), a row that is partly outside has
 * zeros before and after the part inside, which is copied in 4-byte words where the addresses allow.
 * It answers a status (TensorMapAbi.STATUS_*) the caller turns into a trap at its own line.
 */
public final class TensorMapHeader {
    private TensorMapHeader() {}

    /** The type: CUDA's is 128 opaque bytes aligned to 64 (128 since CUDA 13). */
    static final String TYPE = """
            #ifndef __CW_CU_TENSOR_MAP
            #define __CW_CU_TENSOR_MAP
            struct __align__(64) CUtensorMap_st { unsigned long long opaque[16]; };
            typedef struct CUtensorMap_st CUtensorMap;
            #endif
            """;

    private static final String COPY = """
            #ifndef __CW_TENSOR_COPY
            #define __CW_TENSOR_COPY
            __device__ inline void __cw_zero_bytes(char *to, long long bytes)
            {
                for (long long i = 0; i < bytes; i++) { to[i] = 0; }
            }
            // the box of map at (c0, ..., c4) to shared memory (toShared) or back
            __device__ inline int __cw_tensor_copy(const void *map, void *shared, int rank, int c0, int c1, int c2,
                                                   int c3, int c4, int toShared)
            {
                const unsigned *w = (const unsigned *)map;
                const unsigned long long *q = (const unsigned long long *)map;
                if ((((size_t)shared) & 127) != 0) { return %1$d; }
                if (w[%4$d] != %5$sU) { return %2$d; }
                if ((int)w[%6$d] != rank) { return %3$d; }
                if (w[%7$d] != 0) { return %8$d; }
                for (int d = 0; d < 5; d++) {
                    if (w[%9$d + d] != 1) { return %8$d; }
                }
                long long esize = w[%10$d];
                long long b0 = w[%11$d];
                long long rows = (long long)w[%11$d + 1] * w[%11$d + 2] * w[%11$d + 3] * w[%11$d + 4];
                long long rowBytes = b0 * esize;
                // the part of each row inside the tensor: elements [lo, hi) of the box's row
                long long lo = c0 < 0 ? -(long long)c0 : 0;
                long long hi = (long long)w[%12$d] - c0;
                lo = lo > b0 ? b0 : lo;
                hi = hi > b0 ? b0 : hi;
                hi = hi < lo ? lo : hi;
                char *base = (char *)q[%13$d];
                char *s = (char *)shared;
                for (long long r = 0; r < rows; r++) {
                    char *row = s + r * rowBytes;
                    long long rest = r;
                    long long offset = 0;
                    bool inside = true;
                    for (int d = 1; d < 5; d++) {
                        long long edge = w[%11$d + d];
                        long long y = (d == 1 ? c1 : d == 2 ? c2 : d == 3 ? c3 : c4) + rest %% edge;
                        rest = rest / edge;
                        if (y < 0 || y >= (long long)w[%12$d + d]) {
                            inside = false;
                        }
                        offset += y * (long long)q[%14$d + d];
                    }
                    if (!inside || hi == lo) {
                        if (toShared) { __cw_zero_bytes(row, rowBytes); }
                        continue;
                    }
                    char *g = base + offset + (c0 + lo) * esize;
                    if (toShared) {
                        __cw_zero_bytes(row, lo * esize);
                        __cw_copy_strided(row + lo * esize, g, (size_t)((hi - lo) * esize), 0, 1);
                        __cw_zero_bytes(row + hi * esize, (b0 - hi) * esize);
                    } else {
                        __cw_copy_strided(g, row + lo * esize, (size_t)((hi - lo) * esize), 0, 1);
                    }
                }
                return 0;
            }
            #endif
            """.formatted(TensorMapAbi.STATUS_MISALIGNED, TensorMapAbi.STATUS_NOT_A_MAP, TensorMapAbi.STATUS_WRONG_RANK,
            TensorMapAbi.MAGIC_AT / 4, Integer.toUnsignedString(TensorMapAbi.MAGIC), TensorMapAbi.RANK / 4,
            TensorMapAbi.FLAGS / 4, TensorMapAbi.STATUS_UNSUPPORTED, TensorMapAbi.ELEMENT_STRIDES / 4,
            TensorMapAbi.ELEMENT_SIZE / 4, TensorMapAbi.BOX / 4, TensorMapAbi.DIMS / 4, TensorMapAbi.ADDRESS / 8,
            TensorMapAbi.STRIDES / 8);

    /** The type and the copy, for the asynchronous-copy headers. */
    static final String TEXT = TYPE + COPY;

    /** What the PTX front end compiles: the copy with what it uses. */
    public static String core() {
        return AsyncCopyHeaders.COMMON + TEXT;
    }

    /**
     * The headers that carry the copy (and the other asynchronous copies): their unused functions are
     * dropped. A method, not a constant: the headers' own text refers to this class's while it is made.
     */
    public static java.util.Set<String> headers() {
        return AsyncCopyHeaders.TEXT.keySet();
    }
}
