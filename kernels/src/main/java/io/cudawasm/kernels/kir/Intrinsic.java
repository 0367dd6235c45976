package io.cudawasm.kernels.kir;

/** Integer and bit-level CUDA intrinsics and reinterpretations (pure functions of their operands). */
public enum Intrinsic {
    /** __popc(unsigned) / __popcll(unsigned long long): population count, int result. */
    POPC, POPCLL,
    /** __clz / __clzll: leading zeros, 32 (64) for zero. */
    CLZ, CLZLL,
    /** __ffs / __ffsll: 1-based position of the least significant set bit, 0 for zero. */
    FFS, FFSLL,
    /** __brev / __brevll: bit reversal. */
    BREV, BREVLL,
    /** __mul24 / __umul24: product of the low 24 bits (sign-extended for the signed form). */
    MUL24, UMUL24,
    /** __mulhi / __umulhi / __mul64hi / __umul64hi: high half of the full product. */
    MULHI, UMULHI, MUL64HI, UMUL64HI,
    /** __sad / __usad: |a - b| + c. */
    SAD, USAD,
    /** abs for int / long long (wraps for the minimum value, as on the GPU). */
    IABS, LLABS,
    /** min/max on integers, signedness from the operand type. */
    IMIN, IMAX,
    /** Bit reinterpretations. */
    INT_AS_FLOAT, FLOAT_AS_INT, LONGLONG_AS_DOUBLE, DOUBLE_AS_LONGLONG,
    /** __double2hiint / __double2loint / __hiloint2double. */
    DOUBLE_HI, DOUBLE_LO, HILO_TO_DOUBLE,
    /** float/double to integer with round-to-nearest-even (the _rn conversions); saturating. */
    F2I_RN, F2U_RN, F2LL_RN, F2ULL_RN,
    /** isnan / isinf / isfinite / signbit as int. */
    ISNAN, ISINF, ISFINITE, SIGNBIT,
    /**
     * Distributed shared memory of a thread block cluster: {@code map_shared_rank(p, rank)} (PTX
     * {@code mapa}), the address in block {@code rank}'s shared memory of the variable that
     * {@code p} points to in the caller's; {@code query_shared_rank(p)} ({@code getctarank}), the
     * rank of the block whose shared memory {@code p} points into.
     */
    MAP_SHARED_RANK, SHARED_RANK_OF,
    /**
     * Whether the code runs with independent thread scheduling: one host thread per CUDA thread
     * (the CPU path's independent-threads variant, {@code WasmOptions#independentThreads}), where a
     * thread may wait for others that run elsewhere in the program. False where a block runs thread
     * by thread between barriers (region fission), and in the OpenCL and CUDA C the other back ends
     * get. A constant of the module variant: code under it is chosen, not run.
     */
    INDEPENDENT_THREADS,
    /**
     * A {@code cuda::barrier} object kept by the host, for independent threads only (elsewhere never
     * reached, see {@link #INDEPENDENT_THREADS}): {@code (barrier, count)} sets the count each phase
     * expects; {@code (barrier, n)} arrives n times and gives the phase arrived at; {@code (barrier,
     * phase)} waits until that phase has completed ({@code (barrier, parity, 1)}: until the phase of
     * that parity under way has completed, as PTX's {@code try_wait.parity}). Not pure: never moved or
     * dropped.
     */
    THREAD_BARRIER_INIT, THREAD_BARRIER_ARRIVE, THREAD_BARRIER_WAIT,
    /**
     * PTX's named barriers ({@code bar.sync id, count}, {@code bar.arrive id, count}) for independent
     * threads only: {@code (id, count, arriveOnly)}; the caller waits (unless it only arrives) until
     * {@code count} threads have arrived at barrier {@code id}. Not pure.
     */
    NAMED_BARRIER
}
