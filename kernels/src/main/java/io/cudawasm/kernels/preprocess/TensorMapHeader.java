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
 * zeros before and after the part inside, which is copied in 4-byte words where the addresses allow;
 * a swizzled map's rows go 16-byte chunk by chunk to their swizzled places ({@code __cw_swizzle},
 * TensorMapAbi#swizzle). The rows are a tiled box's (stepping by the map's element strides) or the
 * pixels of an im2col walk ({@code __cw_tensor_copy_mode}, {@code __cw_tensor_offset}). {@code __cw_tensor_reduce} (PTX {@code cp.reduce.async.bulk.tensor}) walks
 * the same rows and combines each element inside the tensor with the atomic of the map's data type.
 * Both answer a status (TensorMapAbi.STATUS_*) the caller turns into a trap at its own line.
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
            // the map's checks common to copies and reductions (im2col: the copy's mode): a status
            __device__ inline int __cw_tensor_check(const void *map, const void *shared, int rank, int im2col)
            {
                const unsigned *w = (const unsigned *)map;
                if ((((size_t)shared) & 127) != 0) { return @MISALIGNED@; }
                if (w[@MAGIC_AT@] != @MAGIC@U) { return @NOT_A_MAP@; }
                if ((int)w[@RANK@] != rank) { return @WRONG_RANK@; }
                if ((w[@FLAGS@] & ~(@SWIZZLE_MASK@U | @IM2COL@U)) != 0) { return @UNSUPPORTED@; }
                if (((w[@FLAGS@] & @IM2COL@U) != 0) != (im2col != 0)) { return @MODE@; }
                for (int d = 0; d < 5; d++) {
                    unsigned e = w[@ELEMENT_STRIDES@ + d];
                    if (e < 1 || e > @MAX_ELEMENT_STRIDE@ || (d == 0 && e != 1)) { return @UNSUPPORTED@; }
                }
                unsigned swizzle = w[@FLAGS@] & @SWIZZLE_MASK@U;
                if (swizzle != 0) {
                    // the span (32 << (swizzle - 1) bytes) holds a row, the address is aligned to 8 spans
                    long long span = 16LL << swizzle;
                    if ((long long)w[@BOX@] * w[@ELEMENT_SIZE@] > span || (((size_t)shared) & (span * 8 - 1)) != 0) {
                        return @SWIZZLE@;
                    }
                }
                return 0;
            }
            // where a box's byte at offset (in rows one after the other) lies in shared memory
            __device__ inline long long __cw_swizzle(long long offset, unsigned swizzle)
            {
                return offset ^ (((offset >> 7) & ((1LL << swizzle) - 1)) << 4);
            }
            // the elements a tiled box takes along dimension d: its edge over the element stride
            __device__ inline long long __cw_tensor_edge(const void *map, int d)
            {
                const unsigned *w = (const unsigned *)map;
                long long e = w[@ELEMENT_STRIDES@ + d];
                return ((long long)w[@BOX@ + d] + e - 1) / e;
            }
            // the rows a copy moves: a tiled box's, or an im2col map's pixels per column
            __device__ inline long long __cw_tensor_rows(const void *map)
            {
                const unsigned *w = (const unsigned *)map;
                if ((w[@FLAGS@] & @IM2COL@U) != 0) { return w[@PIXELS_PER_COLUMN@]; }
                return __cw_tensor_edge(map, 1) * __cw_tensor_edge(map, 2) * __cw_tensor_edge(map, 3)
                       * __cw_tensor_edge(map, 4);
            }
            // the bytes a copy moves to shared memory (an mbarrier's transaction count)
            __device__ inline long long __cw_tensor_box_bytes(const void *map)
            {
                const unsigned *w = (const unsigned *)map;
                return (long long)w[@ELEMENT_SIZE@] * w[@BOX@] * __cw_tensor_rows(map);
            }
            // the byte offset in the tensor of row r of the tiled box at (c1, ..., c4), -1 if it lies outside
            __device__ inline long long __cw_tensor_row(const void *map, long long r, int c1, int c2, int c3, int c4)
            {
                const unsigned *w = (const unsigned *)map;
                const unsigned long long *q = (const unsigned long long *)map;
                long long rest = r;
                long long offset = 0;
                for (int d = 1; d < 5; d++) {
                    long long edge = __cw_tensor_edge(map, d);
                    long long y = (d == 1 ? c1 : d == 2 ? c2 : d == 3 ? c3 : c4)
                                  + rest % edge * (long long)w[@ELEMENT_STRIDES@ + d];
                    rest = rest / edge;
                    if (y < 0 || y >= (long long)w[@DIMS@ + d]) {
                        return -1;
                    }
                    offset += y * (long long)q[@STRIDES@ + d];
                }
                return offset;
            }
            // an im2col map's bounding box in dimension d (1..3): the lowest and the highest filter base
            __device__ inline int __cw_im2col_lower(const void *map, int d)
            {
                return (int)(short)(((const unsigned *)map)[@CORNERS@ + d - 1] & 0xFFFFU);
            }
            __device__ inline int __cw_im2col_upper(const void *map, int d)
            {
                const unsigned *w = (const unsigned *)map;
                return (int)w[@DIMS@ + d] - 1 + (int)(short)(w[@CORNERS@ + d - 1] >> 16);
            }
            // the byte offset in the tensor of row r: of the tiled box at (c1, ..., c4), or of the im2col walk's
            // pixel (walk: the filter base in W, H, D and the image), its base plus the offsets; the walk then
            // steps on, W first (by the element strides, from the upper corner back to the lower), then H, D and
            // the next image. -1 if the row lies outside the tensor.
            __device__ inline long long __cw_tensor_offset(const void *map, int rank, long long r, int c1, int c2, int c3,
                                                           int c4, int *walk, int o1, int o2, int o3)
            {
                const unsigned *w = (const unsigned *)map;
                const unsigned long long *q = (const unsigned long long *)map;
                if ((w[@FLAGS@] & @IM2COL@U) == 0) { return __cw_tensor_row(map, r, c1, c2, c3, c4); }
                long long offset = -1;
                long long image = walk[3];
                if (image >= 0 && image < (long long)w[@DIMS@ + rank - 1]) {
                    offset = image * (long long)q[@STRIDES@ + rank - 1];
                    for (int d = 1; d < rank - 1; d++) {
                        long long y = (long long)walk[d - 1] + (d == 1 ? o1 : d == 2 ? o2 : o3);
                        if (y < 0 || y >= (long long)w[@DIMS@ + d]) { offset = -1; break; }
                        offset += y * (long long)q[@STRIDES@ + d];
                    }
                }
                int d = 1;
                for (; d < rank - 1; d++) {
                    walk[d - 1] += (int)w[@ELEMENT_STRIDES@ + d];
                    if (walk[d - 1] <= __cw_im2col_upper(map, d)) { break; }
                    walk[d - 1] = __cw_im2col_lower(map, d);
                }
                if (d == rank - 1) { walk[3] += 1; }
                return offset;
            }
            // the elements [*lo, *hi) of a box's row at c0 that lie inside the tensor
            __device__ inline long long __cw_tensor_lo(const void *map, int c0)
            {
                long long b0 = ((const unsigned *)map)[@BOX@];
                long long lo = c0 < 0 ? -(long long)c0 : 0;
                return lo > b0 ? b0 : lo;
            }
            __device__ inline long long __cw_tensor_hi(const void *map, int c0)
            {
                const unsigned *w = (const unsigned *)map;
                long long b0 = w[@BOX@];
                long long hi = (long long)w[@DIMS@] - c0;
                hi = hi > b0 ? b0 : hi;
                long long lo = __cw_tensor_lo(map, c0);
                return hi < lo ? lo : hi;
            }
            // the rows of map at (c0, ..., c4), tiled or im2col (with the offsets o1..o3), to shared memory
            // (toShared) or back
            __device__ inline int __cw_tensor_copy_mode(const void *map, void *shared, int rank, int c0, int c1, int c2,
                                                        int c3, int c4, int im2col, int o1, int o2, int o3, int toShared)
            {
                int status = __cw_tensor_check(map, shared, rank, im2col);
                if (status != 0) { return status; }
                const unsigned *w = (const unsigned *)map;
                unsigned swizzle = w[@FLAGS@] & @SWIZZLE_MASK@U;
                long long esize = w[@ELEMENT_SIZE@];
                long long b0 = w[@BOX@];
                long long rows = __cw_tensor_rows(map);
                long long rowBytes = b0 * esize;
                long long lo = __cw_tensor_lo(map, c0);
                long long hi = __cw_tensor_hi(map, c0);
                int walk[4] = {c1, rank > 3 ? c2 : 0, rank > 4 ? c3 : 0, rank == 3 ? c2 : rank == 4 ? c3 : c4};
                char *base = (char *)((const unsigned long long *)map)[@ADDRESS@];
                char *s = (char *)shared;
                for (long long r = 0; r < rows; r++) {
                    long long offset = __cw_tensor_offset(map, rank, r, c1, c2, c3, c4, walk, o1, o2, o3);
                    offset = hi == lo ? -1 : offset;
                    char *g = base + offset + c0 * esize;
                    if (swizzle != 0) {
                        // chunk by chunk of 16 bytes, each to its swizzled place; bytes outside the tensor are zeros
                        for (long long k = 0; k < rowBytes; k += 16) {
                            char *chunk = s + __cw_swizzle(r * rowBytes + k, swizzle);
                            long long from = lo * esize > k ? lo * esize : k;
                            long long to = hi * esize < k + 16 ? hi * esize : k + 16;
                            if (offset < 0 || to <= from) {
                                if (toShared) { __cw_zero_bytes(chunk, 16); }
                                continue;
                            }
                            if (toShared) {
                                __cw_zero_bytes(chunk, from - k);
                                __cw_copy_strided(chunk + (from - k), g + from, (size_t)(to - from), 0, 1);
                                __cw_zero_bytes(chunk + (to - k), k + 16 - to);
                            } else {
                                __cw_copy_strided(g + from, chunk + (from - k), (size_t)(to - from), 0, 1);
                            }
                        }
                        continue;
                    }
                    char *row = s + r * rowBytes;
                    if (offset < 0) {
                        if (toShared) { __cw_zero_bytes(row, rowBytes); }
                        continue;
                    }
                    if (toShared) {
                        __cw_zero_bytes(row, lo * esize);
                        __cw_copy_strided(row + lo * esize, g + lo * esize, (size_t)((hi - lo) * esize), 0, 1);
                        __cw_zero_bytes(row + hi * esize, (b0 - hi) * esize);
                    } else {
                        __cw_copy_strided(g + lo * esize, row + lo * esize, (size_t)((hi - lo) * esize), 0, 1);
                    }
                }
                return 0;
            }
            // the tiled box of map at (c0, ..., c4) to shared memory (toShared) or back
            __device__ inline int __cw_tensor_copy(const void *map, void *shared, int rank, int c0, int c1, int c2,
                                                   int c3, int c4, int toShared)
            {
                return __cw_tensor_copy_mode(map, shared, rank, c0, c1, c2, c3, c4, 0, 0, 0, 0, toShared);
            }
            // whether op (TensorMapAbi.REDUCTIONS) reduces elements of kind and esize bytes, as PTX allows
            __device__ inline int __cw_tensor_reduces(unsigned kind, long long esize, int op)
            {
                if (kind == @FLOAT@) { return esize == 4 && op == 0; }
                if (esize == 4) { return kind == @UNSIGNED@ || op < 3 || op > 4; }
                return esize == 8 && (op == 0 ? kind == @UNSIGNED@ : op < 3 || op > 4);
            }
            // one element of shared memory combined into the tensor
            __device__ inline void __cw_tensor_combine(char *g, const char *s, unsigned kind, long long esize, int op)
            {
                if (kind == @FLOAT@) {
                    atomicAdd((float *)g, *(const float *)s);
                } else if (esize == 4 && kind == @SIGNED@ && (op == 1 || op == 2)) {
                    int v = *(const int *)s;
                    if (op == 1) { atomicMin((int *)g, v); } else { atomicMax((int *)g, v); }
                } else if (esize == 4) {
                    unsigned *p = (unsigned *)g;
                    unsigned v = *(const unsigned *)s;
                    if (op == 0) { atomicAdd(p, v); }
                    else if (op == 1) { atomicMin(p, v); }
                    else if (op == 2) { atomicMax(p, v); }
                    else if (op == 3) { atomicInc(p, v); }
                    else if (op == 4) { atomicDec(p, v); }
                    else if (op == 5) { atomicAnd(p, v); }
                    else if (op == 6) { atomicOr(p, v); }
                    else { atomicXor(p, v); }
                } else if (kind == @SIGNED@ && (op == 1 || op == 2)) {
                    long long v = *(const long long *)s;
                    if (op == 1) { atomicMin((long long *)g, v); } else { atomicMax((long long *)g, v); }
                } else {
                    unsigned long long *p = (unsigned long long *)g;
                    unsigned long long v = *(const unsigned long long *)s;
                    if (op == 0) { atomicAdd(p, v); }
                    else if (op == 1) { atomicMin(p, v); }
                    else if (op == 2) { atomicMax(p, v); }
                    else if (op == 5) { atomicAnd(p, v); }
                    else if (op == 6) { atomicOr(p, v); }
                    else { atomicXor(p, v); }
                }
            }
            // the rows in shared memory combined by op into the tensor at (c0, ..., c4), tiled or im2col (without
            // offsets, .im2col_no_offs), element by element
            __device__ inline int __cw_tensor_reduce_mode(const void *map, const void *shared, int rank, int c0, int c1,
                                                          int c2, int c3, int c4, int im2col, int op)
            {
                int status = __cw_tensor_check(map, shared, rank, im2col);
                if (status != 0) { return status; }
                const unsigned *w = (const unsigned *)map;
                unsigned kind = w[@DATA_TYPE@];
                long long esize = w[@ELEMENT_SIZE@];
                if (kind == 0) { return @UNTYPED@; }
                if (!__cw_tensor_reduces(kind, esize, op)) { return @NO_REDUCTION@; }
                unsigned swizzle = w[@FLAGS@] & @SWIZZLE_MASK@U;
                long long b0 = w[@BOX@];
                long long rows = __cw_tensor_rows(map);
                long long lo = __cw_tensor_lo(map, c0);
                long long hi = __cw_tensor_hi(map, c0);
                int walk[4] = {c1, rank > 3 ? c2 : 0, rank > 4 ? c3 : 0, rank == 3 ? c2 : rank == 4 ? c3 : c4};
                char *base = (char *)((const unsigned long long *)map)[@ADDRESS@];
                const char *s = (const char *)shared;
                for (long long r = 0; r < rows && hi > lo; r++) {
                    long long offset = __cw_tensor_offset(map, rank, r, c1, c2, c3, c4, walk, 0, 0, 0);
                    if (offset < 0) { continue; }
                    char *g = base + offset + c0 * esize;
                    for (long long i = lo; i < hi; i++) {
                        __cw_tensor_combine(g + i * esize, s + __cw_swizzle((r * b0 + i) * esize, swizzle), kind, esize,
                                            op);
                    }
                }
                return 0;
            }
            // the tiled box in shared memory combined by op into the tensor at (c0, ..., c4)
            __device__ inline int __cw_tensor_reduce(const void *map, const void *shared, int rank, int c0, int c1,
                                                     int c2, int c3, int c4, int op)
            {
                return __cw_tensor_reduce_mode(map, shared, rank, c0, c1, c2, c3, c4, 0, op);
            }
            #endif
            """;

    /** The copy with the layout's offsets and codes in place of its {@code @NAME@} marks. */
    private static final String COPY_TEXT = fill(COPY);

    private static String fill(String text) {
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("MISALIGNED", TensorMapAbi.STATUS_MISALIGNED);
        values.put("NOT_A_MAP", TensorMapAbi.STATUS_NOT_A_MAP);
        values.put("WRONG_RANK", TensorMapAbi.STATUS_WRONG_RANK);
        values.put("UNSUPPORTED", TensorMapAbi.STATUS_UNSUPPORTED);
        values.put("UNTYPED", TensorMapAbi.STATUS_UNTYPED);
        values.put("NO_REDUCTION", TensorMapAbi.STATUS_NO_REDUCTION);
        values.put("SWIZZLE", TensorMapAbi.STATUS_SWIZZLE);
        values.put("MODE", TensorMapAbi.STATUS_MODE);
        values.put("IM2COL", TensorMapAbi.IM2COL);
        values.put("MAX_ELEMENT_STRIDE", TensorMapAbi.MAX_ELEMENT_STRIDE);
        values.put("PIXELS_PER_COLUMN", TensorMapAbi.PIXELS_PER_COLUMN / 4);
        values.put("CORNERS", TensorMapAbi.CORNERS / 4);
        values.put("SWIZZLE_MASK", TensorMapAbi.SWIZZLE_MASK);
        values.put("MAGIC_AT", TensorMapAbi.MAGIC_AT / 4);
        values.put("MAGIC", Integer.toUnsignedString(TensorMapAbi.MAGIC));
        values.put("RANK", TensorMapAbi.RANK / 4);
        values.put("FLAGS", TensorMapAbi.FLAGS / 4);
        values.put("ELEMENT_STRIDES", TensorMapAbi.ELEMENT_STRIDES / 4);
        values.put("ELEMENT_SIZE", TensorMapAbi.ELEMENT_SIZE / 4);
        values.put("DATA_TYPE", TensorMapAbi.DATA_TYPE / 4);
        values.put("BOX", TensorMapAbi.BOX / 4);
        values.put("DIMS", TensorMapAbi.DIMS / 4);
        values.put("ADDRESS", TensorMapAbi.ADDRESS / 8);
        values.put("STRIDES", TensorMapAbi.STRIDES / 8);
        values.put("FLOAT", TensorMapAbi.Kind.FLOAT.ordinal());
        values.put("UNSIGNED", TensorMapAbi.Kind.UNSIGNED.ordinal());
        values.put("SIGNED", TensorMapAbi.Kind.SIGNED.ordinal());
        for (var e : values.entrySet()) {
            text = text.replace("@" + e.getKey() + "@", String.valueOf(e.getValue()));
        }
        if (text.indexOf('@') >= 0) {
            throw new IllegalStateException("the tensor copy's C has an unfilled mark");
        }
        return text;
    }

    /** The type and the copy, for the asynchronous-copy headers. */
    static final String TEXT = TYPE + COPY_TEXT;

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
