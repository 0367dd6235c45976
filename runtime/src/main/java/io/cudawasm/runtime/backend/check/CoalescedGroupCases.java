package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.launch.Dim3;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import java.util.function.IntPredicate;

/**
 * Cooperative groups' coalesced groups where they belong, in divergent code: the members, ranks,
 * shuffles in rank space, votes and ballots, {@code cg::reduce} (int functors, a lambda, a float
 * sum whose order of additions CUDA's own code fixes), a group passed to a device function, groups
 * made in a loop with per-lane trip counts, and the partitions ({@code tiled_partition},
 * {@code binary_partition} of a group and of a tile). The Java references model each warp's lanes
 * and masks as the SIMT model keeps them (a branch's group is the lanes of the warp that take it;
 * lanes past the end of the block do not exist). Part of {@link DeviceSemanticsCases#all()}.
 */
public final class CoalescedGroupCases {
    private CoalescedGroupCases() {}

    static List<KernelCase> all() {
        return List.of(members(1), partitions(1), scans(1));
    }

    // ------------------------------------------------------------------ the lane model

    /** The rank of {@code lane} in the group {@code mask}: its members below it. */
    public static int rank(int mask, int lane) {
        return Integer.bitCount(mask & ((1 << lane) - 1));
    }

    /** The lane of the group's {@code rank}-th member. */
    public static int laneOf(int mask, int rank) {
        for (int lane = 0, seen = 0; lane < 32; lane++) {
            if ((mask >>> lane & 1) != 0 && seen++ == rank) {
                return lane;
            }
        }
        throw new IllegalArgumentException("rank " + rank + " is past the group " + Integer.toHexString(mask));
    }

    /** The lanes of warp {@code warp} (from 0) of a block of {@code block} threads. */
    public static int present(int block, int warp) {
        int lanes = Math.min(32, block - 32 * warp);
        return lanes == 32 ? -1 : (1 << lanes) - 1;
    }

    /** The lanes of {@code within} whose value satisfies {@code p}; {@code values} by lane. */
    public static int lanes(int within, int[] values, int base, IntPredicate p) {
        int m = 0;
        for (int l = 0; l < 32; l++) {
            if ((within >>> l & 1) != 0 && p.test(values[base + l])) {
                m |= 1 << l;
            }
        }
        return m;
    }

    /** {@code op} over the group's values (any order: the int functors are associative and commutative). */
    public static int reduce(int mask, int[] values, int base, IntBinaryOperator op) {
        int acc = values[base + laneOf(mask, 0)];
        for (int r = 1; r < Integer.bitCount(mask); r++) {
            acc = op.applyAsInt(acc, values[base + laneOf(mask, r)]);
        }
        return acc;
    }

    /**
     * A float {@code cg::reduce(g, v, cg::plus<float>())} as CUDA computes it: a butterfly over the
     * whole warp, otherwise an inclusive scan over ranks (each rank adding the value {@code i} ranks
     * below, i = 1, 2, 4, 8, 16) whose last rank every member reads.
     */
    public static float reduceSum(int mask, float[] values, int base) {
        if (mask == -1) {
            float[] x = java.util.Arrays.copyOfRange(values, base, base + 32);
            for (int d = 16; d > 0; d /= 2) {
                float[] next = new float[32];
                for (int l = 0; l < 32; l++) {
                    next[l] = x[l] + x[l ^ d];
                }
                x = next;
            }
            return x[0];
        }
        int n = Integer.bitCount(mask);
        float[] out = new float[n];
        for (int r = 0; r < n; r++) {
            out[r] = values[base + laneOf(mask, r)];
        }
        for (int i = 1; i < 32; i *= 2) {
            float[] next = out.clone();
            for (int r = i; r < n; r++) {
                next[r] = out[r] + out[r - i];
            }
            out = next;
        }
        return out[n - 1];
    }

    /** Bit r set for the group's rank-r member when its value satisfies {@code p}. */
    public static int ballot(int mask, int[] values, int base, IntPredicate p) {
        int bits = 0;
        for (int r = 0; r < Integer.bitCount(mask); r++) {
            if (p.test(values[base + laneOf(mask, r)])) {
                bits |= 1 << r;
            }
        }
        return bits;
    }

    private static int[] randomInts(int n, SplittableRandom r, int bound) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(bound);
        }
        return a;
    }

    // ------------------------------------------------------------------ cases

    /** Every member of a coalesced group, in two branches of one if and in a loop; launches differ by seed. */
    public static KernelCase members(long seed) {
        String src = """
                #include <cooperative_groups.h>
                #include <cooperative_groups/reduce.h>
                namespace cg = cooperative_groups;

                __device__ int from_leader(const cg::coalesced_group &g, int v)
                {
                    return g.shfl(v, 0);
                }

                __global__ void coalesced(const int *in, const float *fin, int *out, float *fout)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    int v = in[i];
                    int *o = out + 12 * i;
                    if (v % 3 == 0) {
                        cg::coalesced_group g = cg::coalesced_threads();
                        o[0] = g.thread_rank() * 1000 + g.size();
                        o[1] = cg::reduce(g, v, cg::plus<int>());
                        o[2] = cg::reduce(g, v, cg::less<int>()) * 1000 + cg::reduce(g, v, cg::greater<int>());
                        o[3] = cg::reduce(g, v, cg::bit_xor<int>()) | cg::reduce(g, v, cg::bit_or<int>()) << 8
                                | cg::reduce(g, v | 0x80, cg::bit_and<int>()) << 16;
                        o[4] = from_leader(g, v);
                        o[5] = g.shfl(v, g.size() - 1 - g.thread_rank());
                        o[6] = g.shfl_down(v, 1) * 1000 + g.shfl_up(v, 3);
                        o[7] = (int)g.ballot(v & 1);
                        o[8] = g.any(v > 90) + 2 * g.all(v % 2 == 0);
                        o[9] = g.meta_group_rank() * 10 + g.meta_group_size();
                        fout[i] = cg::reduce(g, fin[i], cg::plus<float>());
                        g.sync();
                    } else if (v % 3 == 1) {
                        auto g = cg::coalesced_threads();
                        o[0] = g.thread_rank() * 1000 + g.num_threads();
                        o[1] = cg::reduce(g, v, [](int a, int b) { return a + b; });
                        o[7] = (int)g.ballot(v > 50);
                    }
                    int acc = 0;
                    for (int k = 0; k < (v & 3); k++) {
                        cg::coalesced_group g = cg::coalesced_threads();
                        acc += g.size() * 100 + g.thread_rank();
                    }
                    o[10] = acc;
                    o[11] = cg::coalesced_threads().size(); // the warp has come together again
                }
                """;
        int blocks = 3;
        int block = 80; // a warp of 16 lanes ends each block
        int n = blocks * block;
        SplittableRandom random = new SplittableRandom(seed);
        int[] in = randomInts(n, random, 100);
        float[] fin = new float[n];
        for (int i = 0; i < n; i++) {
            fin[i] = (float) (random.nextDouble() * 20 - 10);
        }
        for (int l = 0; l < 32; l++) {
            in[32 + l] = 3 * random.nextInt(33); // block 0, warp 1: the whole warp in the first branch
        }
        int[] out = new int[12 * n];
        float[] fout = new float[n];
        for (int b = 0; b < blocks; b++) {
            for (int w = 0; w * 32 < block; w++) {
                int base = b * block + w * 32;
                int present = present(block, w);
                int first = lanes(present, in, base, v -> v % 3 == 0);
                int second = lanes(present, in, base, v -> v % 3 == 1);
                for (int l = 0; l < 32; l++) {
                    if ((present >>> l & 1) == 0) {
                        continue;
                    }
                    int t = base + l;
                    int v = in[t];
                    int o = 12 * t;
                    if ((first >>> l & 1) != 0) {
                        int size = Integer.bitCount(first);
                        int rank = rank(first, l);
                        out[o] = rank * 1000 + size;
                        out[o + 1] = reduce(first, in, base, Integer::sum);
                        out[o + 2] = reduce(first, in, base, Math::min) * 1000 + reduce(first, in, base, Math::max);
                        int and = -1;
                        for (int r = 0; r < size; r++) {
                            and &= in[base + laneOf(first, r)] | 0x80;
                        }
                        out[o + 3] = reduce(first, in, base, (x, y) -> x ^ y) | reduce(first, in, base, (x, y) -> x | y) << 8
                                | and << 16;
                        out[o + 4] = in[base + laneOf(first, 0)];
                        out[o + 5] = in[base + laneOf(first, size - 1 - rank)];
                        int down = rank + 1 < size ? in[base + laneOf(first, rank + 1)] : v;
                        int up = rank >= 3 ? in[base + laneOf(first, rank - 3)] : v;
                        out[o + 6] = down * 1000 + up;
                        out[o + 7] = ballot(first, in, base, x -> (x & 1) != 0);
                        boolean any = lanes(first, in, base, x -> x > 90) != 0;
                        boolean all = lanes(first, in, base, x -> x % 2 == 0) == first;
                        out[o + 8] = (any ? 1 : 0) + (all ? 2 : 0);
                        out[o + 9] = 1;
                        fout[t] = reduceSum(first, fin, base);
                    } else if ((second >>> l & 1) != 0) {
                        out[o] = rank(second, l) * 1000 + Integer.bitCount(second);
                        out[o + 1] = reduce(second, in, base, Integer::sum);
                        out[o + 7] = ballot(second, in, base, x -> x > 50);
                    }
                    int acc = 0;
                    for (int k = 0; k < 3; k++) {
                        int kk = k;
                        int looping = lanes(present, in, base, x -> (x & 3) > kk);
                        if ((looping >>> l & 1) != 0) {
                            acc += Integer.bitCount(looping) * 100 + rank(looping, l);
                        }
                    }
                    out[o + 10] = acc;
                    out[o + 11] = Integer.bitCount(present);
                }
            }
        }
        return CaseBuilder.of("coalesced_groups_in_divergent_code", "coalesced.cu", src).kernel("coalesced")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in).in("fin", fin).out("out", new int[12 * n], out)
                .out("fout", new float[n], fout).build();
    }

    /**
     * tiled_partition, binary_partition and labeled_partition of a coalesced group,
     * binary_partition of a tile, and the warp matches ({@code __match_any_sync},
     * {@code __match_all_sync}, a group's and a tile's {@code match_any}).
     */
    public static KernelCase partitions(long seed) {
        String src = """
                #include <cooperative_groups.h>
                #include <cooperative_groups/reduce.h>
                namespace cg = cooperative_groups;

                __global__ void partitions(const int *in, int *out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    int v = in[i];
                    int *o = out + 15 * i;
                    if (v % 4 != 0) {
                        cg::coalesced_group g = cg::coalesced_threads();
                        cg::coalesced_group t = cg::tiled_partition(g, 4);
                        o[0] = t.thread_rank() * 1000 + t.size();
                        o[1] = t.meta_group_rank() * 100 + t.meta_group_size();
                        o[2] = cg::reduce(t, v, cg::plus<int>());
                        cg::coalesced_group b = cg::binary_partition(g, v > 50);
                        o[3] = b.thread_rank() * 1000 + b.size();
                        o[4] = b.meta_group_rank() * 100 + b.meta_group_size();
                        o[5] = cg::reduce(b, v, cg::less<int>());
                        cg::coalesced_group l = cg::labeled_partition(g, v % 5);
                        o[6] = l.thread_rank() * 1000 + l.size();
                        o[7] = l.meta_group_rank() * 100 + l.meta_group_size() + cg::reduce(l, v, cg::greater<int>()) * 1000;
                        o[8] = (int)g.match_any(v % 5);
                    }
                    cg::thread_block_tile<16> tile = cg::tiled_partition<16>(cg::this_thread_block());
                    cg::coalesced_group odd = cg::binary_partition(tile, v & 1);
                    o[9] = odd.thread_rank() * 1000 + odd.size();
                    o[10] = odd.meta_group_rank() * 100 + odd.meta_group_size() + cg::reduce(odd, v, cg::plus<int>()) * 1000;
                    unsigned active = __activemask();
                    o[11] = (int)__match_any_sync(active, v % 3);
                    int agree, differ;
                    o[12] = (int)__match_all_sync(active, i / 100000, &agree);
                    o[13] = (int)__match_all_sync(active, v, &differ) + agree * 10 + differ * 100;
                    o[14] = (int)tile.match_any(v & 1);
                }
                """;
        int blocks = 2;
        int block = 48; // whole tiles of 16; the second warp has 16 lanes
        int n = blocks * block;
        SplittableRandom random = new SplittableRandom(seed);
        int[] in = randomInts(n, random, 100);
        for (int l = 0; l < 16; l++) {
            in[l] |= 1; // block 0's first tile: all odd, so binary_partition keeps the tile whole
        }
        for (int l = 0; l < 3; l++) {
            in[block + 32 + l] = 4 * l + 1; // block 1's short warp: a group of 3 (tiled_partition keeps it)
        }
        for (int l = 3; l < 16; l++) {
            in[block + 32 + l] = 4 * l;
        }
        int[] out = new int[15 * n];
        for (int b = 0; b < blocks; b++) {
            for (int w = 0; w * 32 < block; w++) {
                int base = b * block + w * 32;
                int present = present(block, w);
                int g = lanes(present, in, base, v -> v % 4 != 0);
                int size = Integer.bitCount(g);
                int above = lanes(g, in, base, v -> v > 50);
                for (int l = 0; l < 32; l++) {
                    if ((present >>> l & 1) == 0) {
                        continue;
                    }
                    int t = base + l;
                    int v = in[t];
                    int o = 15 * t;
                    if ((g >>> l & 1) != 0) {
                        int rank = rank(g, l);
                        int tile = g;
                        int metaRank = 0;
                        int metaSize = 1;
                        if (size > 4) {
                            tile = 0;
                            for (int r = rank / 4 * 4; r < Math.min(size, rank / 4 * 4 + 4); r++) {
                                tile |= 1 << laneOf(g, r);
                            }
                            metaRank = rank / 4;
                            metaSize = (size + 3) / 4;
                        }
                        out[o] = rank(tile, l) * 1000 + Integer.bitCount(tile);
                        out[o + 1] = metaRank * 100 + metaSize;
                        out[o + 2] = reduce(tile, in, base, Integer::sum);
                        boolean split = above != 0 && above != g;
                        int side = !split ? g : v > 50 ? above : g & ~above;
                        out[o + 3] = rank(side, l) * 1000 + Integer.bitCount(side);
                        out[o + 4] = (split && v > 50 ? 100 : 0) + (split ? 2 : 1);
                        out[o + 5] = reduce(side, in, base, Math::min);
                        int label = v % 5;
                        int same = lanes(g, in, base, x -> x % 5 == label);
                        int leaders = 0;
                        for (int k = 0; k < 5; k++) {
                            int kk = k;
                            int part = lanes(g, in, base, x -> x % 5 == kk);
                            if (part != 0) {
                                leaders |= part & -part;
                            }
                        }
                        out[o + 6] = rank(same, l) * 1000 + Integer.bitCount(same);
                        out[o + 7] = rank(leaders, Integer.numberOfTrailingZeros(same)) * 100 + Integer.bitCount(leaders)
                                + reduce(same, in, base, Math::max) * 1000;
                        out[o + 8] = ballot(g, in, base, x -> x % 5 == label);
                    }
                    int tileLanes = 0xFFFF << (l & 16);
                    int odd = lanes(tileLanes, in, base, x -> (x & 1) != 0);
                    boolean split = odd != 0 && odd != tileLanes;
                    int side = !split ? tileLanes : (v & 1) != 0 ? odd : tileLanes & ~odd;
                    out[o + 9] = rank(side, l) * 1000 + Integer.bitCount(side);
                    out[o + 10] = (split && (v & 1) != 0 ? 100 : 0) + (split ? 2 : 1)
                            + reduce(side, in, base, Integer::sum) * 1000;
                    out[o + 11] = lanes(present, in, base, x -> x % 3 == v % 3);
                    out[o + 12] = present;
                    boolean allEqual = lanes(present, in, base, x -> x == v) == present;
                    out[o + 13] = (allEqual ? present : 0) + 10 + (allEqual ? 100 : 0);
                    out[o + 14] = lanes(tileLanes, in, base, x -> (x & 1) == (v & 1)) >>> (l & 16);
                }
            }
        }
        return CaseBuilder.of("coalesced_group_partitions", "partitions.cu", src).kernel("partitions")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in).out("out", new int[15 * n], out).build();
    }

    /**
     * {@code cg::inclusive_scan} and {@code cg::exclusive_scan} over tiles of 8 (whole block) and over
     * a coalesced group in divergent code, with {@code cg::plus} (explicit and by default),
     * {@code cg::greater} and {@code cg::less}; an exclusive scan gives 0 at rank 0, as CUDA's does.
     */
    public static KernelCase scans(long seed) {
        String src = """
                #include <cooperative_groups.h>
                #include <cooperative_groups/scan.h>
                namespace cg = cooperative_groups;

                __global__ void scans(const int *in, int *out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    int v = in[i];
                    int *o = out + 6 * i;
                    cg::thread_block_tile<8> tile = cg::tiled_partition<8>(cg::this_thread_block());
                    o[0] = cg::inclusive_scan(tile, v);
                    o[1] = cg::exclusive_scan(tile, v, cg::plus<int>());
                    o[2] = cg::inclusive_scan(tile, v - 50, cg::greater<int>());
                    if (v % 3 != 0) {
                        cg::coalesced_group g = cg::coalesced_threads();
                        o[3] = cg::inclusive_scan(g, v, cg::plus<int>());
                        o[4] = cg::exclusive_scan(g, v);
                        o[5] = cg::exclusive_scan(g, v + 7, cg::less<int>());
                    }
                }
                """;
        int blocks = 2;
        int block = 48; // the second warp of each block has 16 lanes
        int n = blocks * block;
        int[] in = randomInts(n, new SplittableRandom(seed), 100);
        int[] out = new int[6 * n];
        for (int t = 0; t < n; t++) {
            int first = t - t % 8;
            int sum = 0;
            int max = Integer.MIN_VALUE;
            for (int u = first; u <= t; u++) {
                sum += in[u];
                max = Math.max(max, in[u] - 50);
            }
            out[6 * t] = sum;
            out[6 * t + 1] = sum - in[t];
            out[6 * t + 2] = max;
        }
        for (int b = 0; b < blocks; b++) {
            for (int w = 0; w * 32 < block; w++) {
                int base = b * block + w * 32;
                int g = lanes(present(block, w), in, base, v -> v % 3 != 0);
                for (int l = 0; l < 32; l++) {
                    if ((g >>> l & 1) == 0) {
                        continue;
                    }
                    int t = base + l;
                    int sum = 0;
                    int min = 0;
                    for (int r = 0; r <= rank(g, l); r++) {
                        int v = in[base + laneOf(g, r)];
                        sum += v;
                        if (r < rank(g, l)) {
                            min = r == 0 ? v + 7 : Math.min(min, v + 7);
                        }
                    }
                    out[6 * t + 3] = sum;
                    out[6 * t + 4] = sum - in[t];
                    out[6 * t + 5] = min; // 0 at rank 0
                }
            }
        }
        return CaseBuilder.of("coalesced_and_tile_scans", "scans.cu", src).kernel("scans")
                .launch(Dim3.of(blocks), Dim3.of(block)).in("in", in).out("out", new int[6 * n], out).build();
    }
}
