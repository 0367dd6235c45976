package io.cudawasm.kernels.preprocess;

import java.util.Map;

/**
 * The asynchronous-copy headers ({@code cuda/pipeline}, {@code cuda/barrier}, {@code cuda_pipeline.h},
 * {@code cooperative_groups/memcpy_async.h}), written in the CUDA C++ this compiler accepts.
 *
 * <p>An asynchronous copy may complete at any moment between its issue and the wait that covers
 * it, so copying synchronously at the issue is one valid execution (CUDA's own cooperative-groups
 * implementation does so before sm_80, strided over the group). Waits are then what they imply
 * beyond the copy itself: nothing for a thread's own pipeline (its copies are done), a group
 * barrier for a group's copies ({@code cg::wait}), a block barrier for a {@code cuda::barrier}
 * whose expected count is the whole block; sm_90's bulk copies into a barrier likewise copy at the
 * call. The parser maps {@code cuda::X} of these headers to
 * {@code __cuda_X} and {@code cg::memcpy_async}/{@code wait}/{@code wait_prior} to {@code __cg_X}
 * (namespaces are flat here), so a user's own {@code barrier} or {@code pipeline} keeps its name.
 */
final class AsyncCopyHeaders {
    private AsyncCopyHeaders() {}

    /**
     * The copy every form lowers to: thread {@code first} of a group of {@code step} copies words
     * {@code first}, {@code first + step}, ... (4-byte words when both addresses and the size allow,
     * else bytes). Every thread of a group sees the same addresses, so all pick the same unit.
     */
    static final String COMMON = """
            #ifndef __CW_ASYNC_COPY_COMMON
            #define __CW_ASYNC_COPY_COMMON
            enum __cuda_thread_scope { __cuda_thread_scope_system = 0, __cuda_thread_scope_device = 1,
                                       __cuda_thread_scope_block = 2, __cuda_thread_scope_thread = 3 };
            template <unsigned long long Align> struct __cuda_aligned_size_t {
                size_t value;
                __device__ __cuda_aligned_size_t(size_t size) : value(size) {}
                __device__ operator size_t() const { return value; }
            };
            __device__ inline void __cw_copy_strided(void *dst, const void *src, size_t bytes, size_t first, size_t step)
            {
                if (((((size_t)dst) | ((size_t)src) | bytes) & 3) == 0) {
                    unsigned *d = (unsigned *)dst;
                    const unsigned *s = (const unsigned *)src;
                    for (size_t i = first; i < bytes / 4; i += step) { d[i] = s[i]; }
                } else {
                    char *d = (char *)dst;
                    const char *s = (const char *)src;
                    for (size_t i = first; i < bytes; i += step) { d[i] = s[i]; }
                }
            }
            // std::move(token) for barrier.wait (std:: is flat here too): a copy serves
            template <typename T> __device__ T move(T value) { return value; }
            #endif
            """;

    /**
     * {@code cuda::barrier<thread_scope_block>}: where a block runs thread by thread between barriers,
     * a block barrier, which it is when its expected count is the block's thread count; {@code init}
     * stops the kernel for any other count (a barrier of a subset of the block needs threads that wait
     * while others go on). {@code arrive} then does nothing and {@code wait} is the barrier: every
     * thread arrives before it waits, so the phase completes there at the latest, and synchronizing
     * later than the GPU might is still a valid execution. With independent threads
     * ({@code __cw_independent_threads()}, one host thread per CUDA thread) the barrier is the host's
     * own object, with counts and phases as CUDA's: any count, arrivals and waits anywhere.
     */
    private static final String BARRIER = COMMON + """
            #ifndef __CW_CUDA_BARRIER
            #define __CW_CUDA_BARRIER
            struct __cuda_barrier_arrival_token { unsigned phase; };
            template <int Scope> struct __cuda_barrier {
                long long expected;
                unsigned pending;   // a GPU's own count of the phase's arrivals still to come (CUDA C back end)
                unsigned completed; // and of its completed phases
                typedef __cuda_barrier_arrival_token arrival_token;
                __device__ __cuda_barrier_arrival_token arrive(long long n = 1)
                {
                    __cuda_barrier_arrival_token t;
                    t.phase = 0;
                    if (__cw_independent_threads()) { t.phase = __cw_barrier_arrive(this, n); }
                    return t;
                }
                __device__ void wait(__cuda_barrier_arrival_token token)
                {
                    if (__cw_independent_threads()) { __cw_barrier_wait(this, token.phase); } else { __syncthreads(); }
                }
                __device__ void arrive_and_wait()
                {
                    if (__cw_independent_threads()) { __cw_barrier_wait(this, __cw_barrier_arrive(this, 1)); }
                    else { __syncthreads(); }
                }
            };
            // whether the count is the block's: the compiler stops the kernel at the caller's line if not
            // (with independent threads any count is kept by the host's barrier)
            __device__ inline bool init(__cuda_barrier<__cuda_thread_scope_block> *bar, long long expected)
            {
                bar->expected = expected;
                if (__cw_independent_threads()) { __cw_barrier_init(bar, expected); return true; }
                return expected == (long long)(blockDim.x * blockDim.y * blockDim.z);
            }
            template <typename Size, typename Sync>
            __device__ void __cuda_memcpy_async(void *dst, const void *src, Size bytes, Sync &sync)
            {
                __cw_copy_strided(dst, src, (size_t)bytes, 0, 1);
            }
            template <typename Group, typename Size, typename Sync>
            __device__ void __cuda_memcpy_async(const Group &group, void *dst, const void *src, Size bytes, Sync &sync)
            {
                __cw_copy_strided(dst, src, (size_t)bytes, group.thread_rank(), group.size());
            }
            // sm_90's bulk copies (cuda::device, cuda::device::experimental), copied at the call too, so the
            // barrier's transaction count is met before anyone waits and expecting bytes changes nothing. Each
            // says whether the addresses and size were 16-byte aligned (the compiler stops the kernel at the
            // caller's line if not, check/AsyncCopies)
            __device__ inline bool __cw_bulk_copy(void *dst, const void *src, size_t bytes)
            {
                if (((((size_t)dst) | ((size_t)src) | bytes) & 15) != 0) { return false; }
                __cw_copy_strided(dst, src, bytes, 0, 1);
                return true;
            }
            template <typename T, typename Size>
            __device__ bool __cuda_device_memcpy_async_tx(T *dst, const T *src, Size bytes,
                                                          __cuda_barrier<__cuda_thread_scope_block> &bar)
            {
                return __cw_bulk_copy((void *)dst, (const void *)src, (size_t)bytes);
            }
            __device__ inline __cuda_barrier_arrival_token __cuda_device_barrier_arrive_tx(
                    __cuda_barrier<__cuda_thread_scope_block> &bar, long long arrivals, long long bytes)
            {
                return bar.arrive();
            }
            __device__ inline void __cuda_device_barrier_expect_tx(__cuda_barrier<__cuda_thread_scope_block> &bar, long long bytes) {}
            __device__ inline bool __cuda_device_cp_async_bulk_global_to_shared(void *dst, const void *src, unsigned bytes,
                                                                                 __cuda_barrier<__cuda_thread_scope_block> &bar)
            {
                return __cw_bulk_copy(dst, src, bytes);
            }
            __device__ inline bool __cuda_device_cp_async_bulk_shared_to_global(void *dst, const void *src, unsigned bytes)
            {
                return __cw_bulk_copy(dst, src, bytes);
            }
            __device__ inline void __cuda_device_fence_proxy_async_shared_cta() {}
            __device__ inline void __cuda_device_cp_async_bulk_commit_group() {}
            template <int Prior> __device__ void __cuda_device_cp_async_bulk_wait_group_read() {}
            #endif
            """ + TensorMapHeader.TEXT + tensorCopies();

    /**
     * {@code cde::cp_async_bulk_tensor_{1..5}d_global_to_shared(dst, &map, c0.., bar)} and
     * {@code _shared_to_global(&map, c0.., src)}: the box copied at the call (TensorMapHeader); each
     * answers the copy's status, which the compiler turns into a stop at the caller's line
     * (check/TensorCopies).
     */
    /**
     * {@code cuda::ptx::cp_async_bulk_tensor(space_cluster, space_global, dst, &map, coords, bar)} (or
     * {@code space_shared} as the destination) and {@code (space_global, space_shared, &map, coords, src)}:
     * the same copy and status as above. libcu++ takes the coordinates as {@code const int32_t (&)[N]},
     * which gives the rank; here they arrive as a pointer, so the rank is the map's (a map the launch
     * did not make still stops the copy: its rank is then read as 1).
     */
    private static String ptxTensorCopies() {
        return """
                #ifndef __CW_CUDA_PTX_TENSOR_COPIES
                #define __CW_CUDA_PTX_TENSOR_COPIES
                __device__ inline int __cw_tensor_copy_at(const void *map, void *shared, const int *c, int toShared)
                {
                    int rank = (int)((const unsigned *)map)[%d];
                    rank = rank < 1 || rank > 5 ? 1 : rank;
                    return __cw_tensor_copy(map, shared, rank, c[0], rank > 1 ? c[1] : 0, rank > 2 ? c[2] : 0,
                                            rank > 3 ? c[3] : 0, rank > 4 ? c[4] : 0, toShared);
                }
                __device__ inline int __cuda_ptx_cp_async_bulk_tensor(__cuda_ptx_space_cluster_t, __cuda_ptx_space_global_t,
                                                                      void *dst, const void *map, const int *c, uint64_t *bar)
                {
                    return __cw_tensor_copy_at(map, dst, c, 1);
                }
                __device__ inline int __cuda_ptx_cp_async_bulk_tensor(__cuda_ptx_space_shared_t, __cuda_ptx_space_global_t,
                                                                      void *dst, const void *map, const int *c, uint64_t *bar)
                {
                    return __cw_tensor_copy_at(map, dst, c, 1);
                }
                __device__ inline int __cuda_ptx_cp_async_bulk_tensor(__cuda_ptx_space_global_t, __cuda_ptx_space_shared_t,
                                                                      const void *map, const int *c, const void *src)
                {
                    return __cw_tensor_copy_at(map, (void *)src, c, 0);
                }
                __device__ inline int __cw_tensor_reduce_at(const void *map, const void *src, const int *c, int op)
                {
                    int rank = (int)((const unsigned *)map)[%1$d];
                    rank = rank < 1 || rank > 5 ? 1 : rank;
                    return __cw_tensor_reduce(map, src, rank, c[0], rank > 1 ? c[1] : 0, rank > 2 ? c[2] : 0,
                                              rank > 3 ? c[3] : 0, rank > 4 ? c[4] : 0, op);
                }
                %2$s
                #endif
                """.formatted(io.cudawasm.kernels.abi.TensorMapAbi.RANK / 4, ptxTensorReductions());
    }

    /**
     * {@code cuda::ptx::cp_reduce_async_bulk_tensor(space_global, space_shared, op_add, &map, coords,
     * src)}: the tags of the eight operations ({@code op_add} ... {@code op_xor_op}), each an overload
     * that combines the box into the tensor at the call ({@code __cw_tensor_reduce}), with the status
     * of a tensor copy (check/TensorCopies).
     */
    private static String ptxTensorReductions() {
        StringBuilder sb = new StringBuilder();
        java.util.List<String> tags = java.util.List.of("op_add", "op_min", "op_max", "op_inc", "op_dec", "op_and_op",
                "op_or_op", "op_xor_op");
        for (int op = 0; op < tags.size(); op++) {
            // the order of TensorMapAbi.REDUCTIONS: add, min, max, inc, dec, and, or, xor
            String tag = "__cuda_ptx_" + tags.get(op);
            sb.append("struct ").append(tag).append("_t { int unused; };\n");
            sb.append("__constant__ ").append(tag).append("_t ").append(tag).append(" = {0};\n");
            sb.append("__device__ inline int __cuda_ptx_cp_reduce_async_bulk_tensor(__cuda_ptx_space_global_t, ")
                    .append("__cuda_ptx_space_shared_t, ").append(tag).append("_t, const void *map, const int *c, ")
                    .append("const void *src)\n{ return __cw_tensor_reduce_at(map, src, c, ").append(op).append("); }\n");
        }
        return sb.toString();
    }

    private static String tensorCopies() {
        StringBuilder sb = new StringBuilder("#ifndef __CW_CUDA_TENSOR_COPIES\n#define __CW_CUDA_TENSOR_COPIES\n");
        for (int rank = 1; rank <= 5; rank++) {
            StringBuilder params = new StringBuilder();
            StringBuilder coords = new StringBuilder();
            for (int d = 0; d < 5; d++) {
                if (d < rank) {
                    params.append(", int c").append(d);
                }
                coords.append(d < rank ? ", c" + d : ", 0");
            }
            sb.append("__device__ inline int __cuda_device_cp_async_bulk_tensor_").append(rank)
                    .append("d_global_to_shared(void *dst, const CUtensorMap *map").append(params)
                    .append(", __cuda_barrier<__cuda_thread_scope_block> &bar)\n{ return __cw_tensor_copy(map, dst, ")
                    .append(rank).append(coords).append(", 1); }\n");
            sb.append("__device__ inline int __cuda_device_cp_async_bulk_tensor_").append(rank)
                    .append("d_shared_to_global(const CUtensorMap *map").append(params)
                    .append(", const void *src)\n{ return __cw_tensor_copy(map, (void *)src, ").append(rank).append(coords)
                    .append(", 0); }\n");
        }
        return sb.append("#endif\n").toString();
    }

    /**
     * {@code cuda::pipeline}: a thread's own pipeline ({@code make_pipeline()}) only orders its own
     * copies, which are done, so every step is nothing. A block's shared pipeline
     * ({@code make_pipeline(block, &state)}, every thread producer and consumer) makes each step a
     * block barrier: a thread's {@code consumer_wait} needs the other threads' copies of the stage, and
     * its {@code producer_acquire} needs them done reading the stage it overwrites.
     */
    private static final String PIPELINE = BARRIER + """
            #ifndef __CW_CUDA_PIPELINE
            #define __CW_CUDA_PIPELINE
            template <int Scope> struct __cuda_pipeline {
                int scope;
                __device__ void producer_acquire() {}
                __device__ void producer_commit() {}
                __device__ void consumer_wait() {}
                __device__ void consumer_release() {}
                __device__ bool quit() { return true; }
            };
            template <> struct __cuda_pipeline<__cuda_thread_scope_block> {
                int scope;
                __device__ void producer_acquire() { __syncthreads(); }
                __device__ void producer_commit() { __syncthreads(); }
                __device__ void consumer_wait() { __syncthreads(); }
                __device__ void consumer_release() { __syncthreads(); }
                __device__ bool quit() { __syncthreads(); return true; }
            };
            template <int Scope, int Stages> struct __cuda_pipeline_shared_state {
                __cuda_barrier<__cuda_thread_scope_block> full[Stages];
                __cuda_barrier<__cuda_thread_scope_block> empty[Stages];
            };
            __device__ inline __cuda_pipeline<__cuda_thread_scope_thread> __cuda_make_pipeline()
            {
                __cuda_pipeline<__cuda_thread_scope_thread> p;
                p.scope = __cuda_thread_scope_thread;
                return p;
            }
            template <typename Group, typename State>
            __device__ __cuda_pipeline<__cuda_thread_scope_block> __cuda_make_pipeline(const Group &group, State *state)
            {
                __cuda_pipeline<__cuda_thread_scope_block> p;
                p.scope = __cuda_thread_scope_block;
                return p;
            }
            // a pipeline made with roles runs with independent threads (the kernel is marked for them,
            // check/AsyncCopies): stage s has a "full" barrier the producers arrive at and the consumers wait
            // on, and an "empty" barrier the other way round; a thread's head (producer) and tail (consumer)
            // count the stages it went through, so use u of a stage is phase u of its barriers
            enum { __cuda_pipeline_role_producer, __cuda_pipeline_role_consumer, __cw_partitioned = 4 };
            // (the barriers' addresses are kept as integers: OpenCL C keeps no pointer to shared memory in an
            // object, and there the pipeline stops the kernel where it is made)
            template <> struct __cuda_pipeline<__cw_partitioned> {
                unsigned long long full;
                unsigned long long empty;
                unsigned stages;
                unsigned head;
                unsigned tail;
                __device__ void *stage(unsigned long long barriers, unsigned use)
                {
                    return (void *)(barriers + (use % stages) * sizeof(__cuda_barrier<__cuda_thread_scope_block>));
                }
                __device__ void producer_acquire()
                {
                    if (head >= stages) { __cw_barrier_wait(stage(empty, head), head / stages - 1); }
                }
                __device__ void producer_commit() { __cw_barrier_arrive(stage(full, head), 1); head++; }
                __device__ void consumer_wait() { __cw_barrier_wait(stage(full, tail), tail / stages); }
                __device__ void consumer_release() { __cw_barrier_arrive(stage(empty, tail), 1); tail++; }
                __device__ bool quit() { return true; }
            };
            template <typename Group, typename State>
            __device__ __cuda_pipeline<__cw_partitioned> __cuda_make_pipeline(const Group &group, State *state, int role)
            {
                // every thread of the block makes the pipeline: the producers are counted there
                unsigned producers = __syncthreads_count(role == __cuda_pipeline_role_producer);
                unsigned stages = sizeof(state->full) / sizeof(state->full[0]);
                if (group.thread_rank() == 0) {
                    for (unsigned s = 0; s < stages; s++) {
                        __cw_barrier_init(&state->full[s], producers);
                        __cw_barrier_init(&state->empty[s], group.size() - producers);
                    }
                }
                group.sync();
                __cuda_pipeline<__cw_partitioned> p;
                p.full = (unsigned long long)state->full;
                p.empty = (unsigned long long)state->empty;
                p.stages = stages;
                p.head = 0;
                p.tail = 0;
                return p;
            }
            template <int Prior, typename Pipe> __device__ void __cuda_pipeline_consumer_wait_prior(Pipe &pipe) {}
            template <typename Pipe> __device__ void __cuda_pipeline_producer_commit(Pipe &pipe, __cuda_barrier<__cuda_thread_scope_block> &bar) {}
            #endif
            """;

    /** {@code cuda_pipeline.h}'s primitives: a thread's own copies, done at the call. */
    private static final String PRIMITIVES = COMMON + """
            #ifndef __CW_PIPELINE_PRIMITIVES
            #define __CW_PIPELINE_PRIMITIVES
            __device__ inline void __pipeline_memcpy_async(void *dst, const void *src, size_t size, size_t zfill = 0)
            {
                // the last zfill bytes of the destination are zeros, the rest comes from the source
                __cw_copy_strided(dst, src, size - zfill, 0, 1);
                char *d = (char *)dst;
                for (size_t i = size - zfill; i < size; i++) { d[i] = 0; }
            }
            __device__ inline void __pipeline_commit() {}
            __device__ inline void __pipeline_wait_prior(size_t prior) {}
            #endif
            """;

    /**
     * {@code cooperative_groups/memcpy_async.h}: the group copies, each thread a strided share, and
     * {@code cg::wait}/{@code wait_prior} are the group's barrier (CUDA's header syncs the group there
     * too, after waiting for the copies).
     */
    private static final String GROUP_COPY = COMMON + """
            #ifndef __CW_CG_MEMCPY_ASYNC
            #define __CW_CG_MEMCPY_ASYNC
            template <typename Group, typename Size>
            __device__ void __cg_memcpy_async(const Group &group, void *dst, const void *src, Size bytes)
            {
                __cw_copy_strided(dst, src, (size_t)bytes, group.thread_rank(), group.size());
            }
            template <typename Group, typename T>
            __device__ void __cg_memcpy_async(const Group &group, T *dst, size_t dstCount, const T *src, size_t srcCount)
            {
                size_t count = dstCount < srcCount ? dstCount : srcCount;
                __cw_copy_strided((void *)dst, (const void *)src, count * sizeof(T), group.thread_rank(), group.size());
            }
            template <typename Group> __device__ void __cg_wait(const Group &group) { group.sync(); }
            template <unsigned Prior, typename Group> __device__ void __cg_wait_prior(const Group &group) { group.sync(); }
            #endif
            """;

    /**
     * {@code cuda/ptx}: libcu++'s wrappers of the PTX instructions of asynchronous copies and
     * mbarriers ({@code cuda::ptx::cp_async_bulk}, {@code mbarrier_*}, {@code fence_proxy_async}),
     * with the semantics of the PTX front end (ptx/AsyncInstructions): copies at the call, the
     * mbarrier a block barrier whose transaction counts are met, its {@code init} checked at the
     * caller's line (check/AsyncCopies); in a file that multicasts ({@code ctaMask}) the counts are
     * kept and the waits wait for the bytes (check/TransactionCounts). Tag types and values as libcu++ spells them
     * ({@code cuda::ptx::space_global}, {@code sem_release}, {@code scope_cta}, {@code n32_t<N>}).
     */
    private static final String PTX_WRAPPERS = BARRIER + """
            #ifndef __CW_CUDA_PTX
            #define __CW_CUDA_PTX
            struct __cuda_ptx_space_global_t { int unused; };
            struct __cuda_ptx_space_shared_t { int unused; };
            struct __cuda_ptx_space_cluster_t { int unused; };
            struct __cuda_ptx_sem_release_t { int unused; };
            struct __cuda_ptx_sem_relaxed_t { int unused; };
            struct __cuda_ptx_sem_acquire_t { int unused; };
            struct __cuda_ptx_scope_cta_t { int unused; };
            struct __cuda_ptx_scope_cluster_t { int unused; };
            template <int N> struct __cuda_ptx_n32_t { int unused; };
            __constant__ __cuda_ptx_space_global_t __cuda_ptx_space_global = {0};
            __constant__ __cuda_ptx_space_shared_t __cuda_ptx_space_shared = {0};
            __constant__ __cuda_ptx_space_cluster_t __cuda_ptx_space_cluster = {0};
            __constant__ __cuda_ptx_sem_release_t __cuda_ptx_sem_release = {0};
            __constant__ __cuda_ptx_sem_relaxed_t __cuda_ptx_sem_relaxed = {0};
            __constant__ __cuda_ptx_sem_acquire_t __cuda_ptx_sem_acquire = {0};
            __constant__ __cuda_ptx_scope_cta_t __cuda_ptx_scope_cta = {0};
            __constant__ __cuda_ptx_scope_cluster_t __cuda_ptx_scope_cluster = {0};
            // bulk copies: global to shared (the cluster is the block), shared to global, shared to shared;
            // the bytes complete on the mbarrier (counted only in a file that multicasts: check/TransactionCounts)
            __device__ inline bool __cuda_ptx_cp_async_bulk(__cuda_ptx_space_cluster_t, __cuda_ptx_space_global_t,
                                                            void *dst, const void *src, unsigned size, uint64_t *bar)
            {
                if (!__cw_bulk_copy(dst, src, size)) { return false; }
                __cw_tx_complete(bar, size);
                return true;
            }
            __device__ inline bool __cuda_ptx_cp_async_bulk(__cuda_ptx_space_global_t, __cuda_ptx_space_shared_t,
                                                            void *dst, const void *src, unsigned size)
            {
                return __cw_bulk_copy(dst, src, size);
            }
            __device__ inline bool __cuda_ptx_cp_async_bulk(__cuda_ptx_space_cluster_t, __cuda_ptx_space_shared_t,
                                                            void *dst, const void *src, unsigned size, uint64_t *bar)
            {
                if (!__cw_bulk_copy(dst, src, size)) { return false; }
                __cw_tx_complete(bar, size);
                return true;
            }
            // the multicast: the same bytes to the same offset of each block of the cluster in ctaMask, completing
            // on that block's mbarrier at bar's offset (a rank past the cluster stops the kernel)
            __device__ inline bool __cuda_ptx_cp_async_bulk(__cuda_ptx_space_cluster_t, __cuda_ptx_space_global_t,
                                                            void *dst, const void *src, unsigned size, uint64_t *bar,
                                                            uint16_t ctaMask)
            {
                if (((((size_t)dst) | ((size_t)src) | size) & 15) != 0) { return false; }
                for (unsigned rank = 0; rank < 16; rank++) {
                    if (((ctaMask >> rank) & 1) != 0) {
                        __cw_bulk_copy(__cluster_map_shared_rank(dst, rank), src, size);
                        __cw_tx_complete(__cluster_map_shared_rank(bar, rank), size);
                    }
                }
                return true;
            }
            __device__ inline void __cuda_ptx_cp_async_bulk_commit_group() {}
            template <int N> __device__ void __cuda_ptx_cp_async_bulk_wait_group(__cuda_ptx_n32_t<N>) {}
            template <int N> __device__ void __cuda_ptx_cp_async_bulk_wait_group_read(__cuda_ptx_n32_t<N>) {}
            __device__ inline void __cuda_ptx_fence_proxy_async() {}
            template <typename Space> __device__ void __cuda_ptx_fence_proxy_async(Space) {}
            template <typename Sem, typename Scope> __device__ void __cuda_ptx_fence_mbarrier_init(Sem, Scope) {}
            // an mbarrier: a block barrier; init says whether its count is the block's (checked at the caller's line)
            __device__ inline bool __cuda_ptx_mbarrier_init(uint64_t *bar, unsigned count)
            {
                *bar = count;
                return count == blockDim.x * blockDim.y * blockDim.z;
            }
            __device__ inline uint64_t __cuda_ptx_mbarrier_arrive(uint64_t *bar) { return 0; }
            template <typename Sem, typename Scope, typename Space>
            __device__ uint64_t __cuda_ptx_mbarrier_arrive(Sem, Scope, Space, uint64_t *bar) { return 0; }
            template <typename Sem, typename Scope, typename Space>
            __device__ uint64_t __cuda_ptx_mbarrier_arrive_expect_tx(Sem, Scope, Space, uint64_t *bar,
                                                                                unsigned bytes)
            {
                __cw_tx_expect(bar, bytes);
                return 0;
            }
            template <typename Sem, typename Scope, typename Space>
            __device__ void __cuda_ptx_mbarrier_expect_tx(Sem, Scope, Space, uint64_t *bar, unsigned bytes)
            {
                __cw_tx_expect(bar, bytes);
            }
            __device__ inline bool __cuda_ptx_mbarrier_try_wait(uint64_t *bar, uint64_t state)
            {
                __syncthreads();
                __cw_tx_wait(bar);
                return true;
            }
            template <typename Sem, typename Scope>
            __device__ bool __cuda_ptx_mbarrier_try_wait(Sem, Scope, uint64_t *bar, uint64_t state)
            {
                __syncthreads();
                __cw_tx_wait(bar);
                return true;
            }
            __device__ inline bool __cuda_ptx_mbarrier_try_wait_parity(uint64_t *bar, unsigned parity)
            {
                __syncthreads();
                __cw_tx_wait(bar);
                return true;
            }
            template <typename Sem, typename Scope>
            __device__ bool __cuda_ptx_mbarrier_try_wait_parity(Sem, Scope, uint64_t *bar, unsigned parity)
            {
                __syncthreads();
                __cw_tx_wait(bar);
                return true;
            }
            __device__ inline bool __cuda_ptx_mbarrier_test_wait(uint64_t *bar, uint64_t state)
            {
                __syncthreads();
                __cw_tx_wait(bar);
                return true;
            }
            __device__ inline bool __cuda_ptx_mbarrier_test_wait_parity(uint64_t *bar, unsigned parity)
            {
                __syncthreads();
                __cw_tx_wait(bar);
                return true;
            }
            // the barrier's own storage, for the mbarrier wrappers above
            __device__ inline uint64_t *__cuda_device_barrier_native_handle(
                    __cuda_barrier<__cuda_thread_scope_block> &bar)
            {
                return (uint64_t *)&bar.expected;
            }
            #endif
            """ + ptxTensorCopies();

    static final Map<String, String> TEXT = Map.of(
            "cuda/ptx", PTX_WRAPPERS,
            "cuda/barrier", BARRIER,
            "cudaTypedefs.h", TensorMapHeader.TYPE,
            "cuda/pipeline", PIPELINE,
            "cuda_pipeline.h", PRIMITIVES,
            "cuda_pipeline_primitives.h", PRIMITIVES,
            "cooperative_groups/memcpy_async.h", GROUP_COPY);
}
