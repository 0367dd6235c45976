// The rounding core of cuda-wasm's built-in cuda_fp16.h and cuda_bf16.h (both include it), shared
// with the PTX front end, which compiles the same text for its .f16 and .bf16 instructions. Only
// float and 32-bit integers, so OpenCL devices without fp64 run it too (double appears only where
// the source converts a double). Written for this compiler; see kernels/README.md "Half precision".
#ifndef __CW_FLOAT16_CORE_H
#define __CW_FLOAT16_CORE_H

// float -> the bits of a binary format of mbits stored fraction bits whose normal exponents run
// from emin to emax (half: 10, -14, 15; bfloat16: 7, -126, 127). mode: 0 nearest even, 1 toward
// zero, 2 down, 3 up. Exact for every float, so callers round exact (or round-to-odd) float values
// through it once. NaN gives 0x7fff, the canonical NaN of both half and bfloat16 conversions.
__device__ inline unsigned short __cw_float2small_bits(float f, int mode, int mbits, int emin, int emax) {
    unsigned int b = __float_as_uint(f);
    unsigned int sign = (b >> 16) & 0x8000u;
    unsigned int a = b & 0x7fffffffu;
    if (a > 0x7f800000u) {
        return (unsigned short)0x7fffu;
    }
    if (a == 0u) {
        return (unsigned short)sign;
    }
    bool away = mode == 0 || (mode == 2 && sign != 0u) || (mode == 3 && sign == 0u);
    unsigned int inf = (unsigned int)(emax - emin + 2) << mbits;
    int biased = (int)(a >> 23);
    int e = biased == 0 ? -126 : biased - 127; // a float subnormal: 2^-126 times its fraction
    if (e > emax) { // infinity, or past the largest finite value
        return (unsigned short)(sign | (a == 0x7f800000u || away ? inf : inf - 1u));
    }
    unsigned int m = biased == 0 ? (a & 0x7fffffu) : (a & 0x7fffffu) | 0x800000u;
    int shift = e >= emin ? 23 - mbits : 23 - mbits + emin - e; // normal: keep mbits + 1; subnormal: its units
    unsigned int q = 0u;
    unsigned int rest = 1u; // what is cut off: nonzero, below the halfway point when all of it is
    unsigned int halfway = 0xffffffffu;
    if (shift < 32) {
        q = m >> shift;
        rest = m & ((1u << shift) - 1u);
        halfway = 1u << (shift - 1);
    }
    bool up = mode == 0 ? (rest > halfway || (rest == halfway && (q & 1u) != 0u)) : (rest != 0u && away);
    if (up) {
        q = q + 1u; // a carry into the exponent (or to infinity) is the right encoding
    }
    unsigned int h = e >= emin ? ((unsigned int)(e - emin) << mbits) + q : q;
    return (unsigned short)(sign | h);
}

__device__ inline unsigned short __cw_float2half_bits(float f, int mode) {
    return __cw_float2small_bits(f, mode, 10, -14, 15);
}

__device__ inline float __cw_half2float_bits(unsigned short h) {
    unsigned int u = (unsigned int)h;
    unsigned int sign = (u & 0x8000u) << 16;
    unsigned int e = (u >> 10) & 0x1fu;
    unsigned int m = u & 0x3ffu;
    if (e == 0x1fu) {
        return __uint_as_float(m != 0u ? 0x7fffffffu : sign | 0x7f800000u); // NaN canonical, as CUDA's conversion
    }
    if (e == 0u) {
        float v = (float)m * 5.9604644775390625e-8f; // m * 2^-24, exact
        return sign != 0u ? -v : v;
    }
    return __uint_as_float(sign | ((e + 112u) << 23) | (m << 13));
}

// s, a rounded-to-nearest float whose exact value lies beyond it in direction toward (-1, 0, 1),
// rounded to odd instead: the neighbour with an odd last bit. A float rounded to odd (24 bits,
// at least 11 + 2) rounds to half exactly as the exact value does, in every mode.
__device__ inline float __cw_round_to_odd(float s, int toward) {
    unsigned int bits = __float_as_uint(s);
    if (toward != 0 && (bits & 1u) == 0u && s - s == 0.0f) {
        bool away = (bits & 0x7fffffffu) == 0u || (toward > 0) == (s > 0.0f);
        bits = away ? bits + 1u : bits - 1u;
    }
    return __uint_as_float(bits);
}

// a double rounded once: to odd in float first (clamped to the largest float, past every value
// of either format), then to the format.
__device__ inline unsigned short __cw_double2small_bits(double x, int mode, int mbits, int emin, int emax) {
    if (x - x != 0.0) { // infinity or NaN
        return __cw_float2small_bits((float)x, mode, mbits, emin, emax);
    }
    double big = 3.4028234663852886e38;
    double clamped = x > big ? big : x < -big ? -big : x;
    float f = (float)clamped;
    double rest = clamped - (double)f; // exact
    return __cw_float2small_bits(__cw_round_to_odd(f, rest > 0.0 ? 1 : rest < 0.0 ? -1 : 0), mode, mbits, emin, emax);
}

__device__ inline unsigned short __cw_double2half_bits(double x, int mode) {
    return __cw_double2small_bits(x, mode, 10, -14, 15);
}

// p + z rounded once to the format (as __cw_float2small_bits), p an exact product: the sum is
// rounded to odd with TwoSum's exact error (float's 24 bits are at least the format's + 2).
__device__ inline unsigned short __cw_sum_small_bits(float p, float z, int mode, int mbits, int emin, int emax) {
    float s = __fadd_rn(p, z);
    float bz = __fsub_rn(s, p);
    float err = __fadd_rn(__fsub_rn(p, __fsub_rn(s, bz)), __fsub_rn(z, bz));
    return __cw_float2small_bits(__cw_round_to_odd(s, err > 0.0f ? 1 : err < 0.0f ? -1 : 0), mode, mbits, emin, emax);
}

// the product of two halves (22 bits) is exact in float
__device__ inline unsigned short __cw_hfma_bits(unsigned short a, unsigned short b, unsigned short c, int mode) {
    float p = __fmul_rn(__cw_half2float_bits(a), __cw_half2float_bits(b));
    return __cw_sum_small_bits(p, __cw_half2float_bits(c), mode, 10, -14, 15);
}

// bfloat16: float's exponents, 7 fraction bits
__device__ inline unsigned short __cw_float2bf16_bits(float f, int mode) {
    return __cw_float2small_bits(f, mode, 7, -126, 127);
}

__device__ inline float __cw_bf162float_bits(unsigned short h) {
    return __uint_as_float((unsigned int)h << 16); // exact; a NaN keeps its payload, as CUDA's conversion
}

__device__ inline unsigned short __cw_double2bf16_bits(double x, int mode) {
    return __cw_double2small_bits(x, mode, 7, -126, 127);
}

// a * b + c rounded once. The product of two bfloat16 (16 bits) is exact in float unless it leaves
// float's range; then it is scaled into it (by 2^150 up or 2^-128 down, exact), c with it, and
// the format's exponent range shifted to match. A c too large or too small to scale exactly only
// decides how a far smaller part rounds: a nonzero of its sign stands in for it.
__device__ inline unsigned short __cw_bf16fma_bits(unsigned short a, unsigned short b, unsigned short c, int mode) {
    float x = __cw_bf162float_bits(a);
    float y = __cw_bf162float_bits(b);
    float z = __cw_bf162float_bits(c);
    float p = __fmul_rn(x, y);
    float ap = p < 0.0f ? -p : p;
    float az = z < 0.0f ? -z : z;
    bool scalable = x != 0.0f && y != 0.0f && x - x == 0.0f && y - y == 0.0f && z - z == 0.0f;
    unsigned int zsign = __float_as_uint(z) & 0x80000000u;
    if (scalable && ap < 7.52316384526264e-37f) { // 2^-120: below it the product may have lost bits
        if (az >= 8.077935669463161e-28f) { // 2^-90: the product is below half of z's last float place
            float sticky = __uint_as_float((__float_as_uint(p) & 0x80000000u) | 0x01000000u); // 2^-125
            return __cw_sum_small_bits(sticky, z, mode, 7, -126, 127);
        }
        float up = 3.777893186295716e22f; // 2^75
        return __cw_sum_small_bits(__fmul_rn(__fmul_rn(x, up), __fmul_rn(y, up)), __fmul_rn(__fmul_rn(z, up), up),
                                   mode, 7, 24, 277);
    }
    if (scalable && ap >= 1.329227995784916e36f) { // 2^120: the product may pass float's largest
        float down = 5.421010862427522e-20f; // 2^-64
        float zs = az >= 6.103515625e-05f ? __fmul_rn(__fmul_rn(z, down), down) // 2^-14: exact when scaled
                 : az == 0.0f ? z : __uint_as_float(zsign | 0x09800000u); // 2^-108, below the product's last place
        return __cw_sum_small_bits(__fmul_rn(__fmul_rn(x, down), __fmul_rn(y, down)), zs, mode, 7, -254, -1);
    }
    if (z - z != 0.0f && x - x == 0.0f && y - y == 0.0f) {
        return __cw_float2bf16_bits(z, mode); // finite product: c's infinity or NaN
    }
    return __cw_sum_small_bits(p, z, mode, 7, -126, 127);
}

// add, sub, mul, div of two bfloat16 computed in float and rounded once more (float's 24 bits are
// at least 2 * 8 + 2; the quotient is what CUDA's __hdiv computes)
__device__ inline unsigned short __cw_bf16op_bits(int op, unsigned short a, unsigned short b) {
    float x = __cw_bf162float_bits(a);
    float y = __cw_bf162float_bits(b);
    float r = op == 0 ? __fadd_rn(x, y) : op == 1 ? __fsub_rn(x, y) : op == 2 ? __fmul_rn(x, y) : __fdiv_rn(x, y);
    return __cw_float2bf16_bits(r, 0);
}

// add, sub, mul, div of two halves computed in float and rounded to half: float's 24 bits are at
// least 2 * 11 + 2, so the double rounding is innocuous (Figueroa 1995) for these four operations.
__device__ inline unsigned short __cw_hop_bits(int op, unsigned short a, unsigned short b) {
    float x = __cw_half2float_bits(a);
    float y = __cw_half2float_bits(b);
    float r = op == 0 ? __fadd_rn(x, y) : op == 1 ? __fsub_rn(x, y) : op == 2 ? __fmul_rn(x, y) : __fdiv_rn(x, y);
    return __cw_float2half_bits(r, 0);
}

// .sat: clamped to [0, 1], NaN to +0
__device__ inline unsigned short __cw_sat_bits(unsigned short h) {
    float f = __cw_half2float_bits(h);
    return f > 0.0f ? (f < 1.0f ? h : (unsigned short)0x3c00u) : (unsigned short)0u; // NaN and -0 to +0
}

// Half-precision atomics (PTX atom/red on .f16, .bf16 and their pairs; CUDA's atomicAdd on __half,
// __half2, __nv_bfloat16 and __nv_bfloat162): a compare-and-swap loop on the aligned 32-bit word
// holding the value, so they work wherever 32-bit atomics do (no 16-bit atomics on OpenCL).
// op: 0 add (rounded to nearest even), 1 min, 2 max (as PTX min/max: a NaN operand gives the
// other, two NaNs the canonical NaN); bf: 1 for bfloat16, 0 for half.
__device__ inline unsigned short __cw_small_combine_bits(int op, int bf, unsigned short a, unsigned short b) {
    if (op == 0) {
        return bf != 0 ? __cw_bf16op_bits(0, a, b) : __cw_hop_bits(0, a, b);
    }
    float x = bf != 0 ? __cw_bf162float_bits(a) : __cw_half2float_bits(a);
    float y = bf != 0 ? __cw_bf162float_bits(b) : __cw_half2float_bits(b);
    if (x != x) {
        return y != y ? (unsigned short)0x7fffu : b;
    }
    if (y != y) {
        return a;
    }
    return (op == 1 ? y < x : x < y) ? b : a;
}

// the word's halves that lanes selects (1 the low, 2 the high, 3 both) combined with value's
// halves at the same places, atomically; returns the word as it was
__device__ inline unsigned int __cw_atomic_halves_bits(unsigned int *word, unsigned int value, int lanes, int op, int bf) {
    unsigned int old = *word; // a stale read only costs one more round of the loop
    while (true) {
        unsigned int lo = old & 0xffffu;
        unsigned int hi = old >> 16;
        if ((lanes & 1) != 0) {
            lo = (unsigned int)__cw_small_combine_bits(op, bf, (unsigned short)lo, (unsigned short)(value & 0xffffu));
        }
        if ((lanes & 2) != 0) {
            hi = (unsigned int)__cw_small_combine_bits(op, bf, (unsigned short)hi, (unsigned short)(value >> 16));
        }
        unsigned int seen = atomicCAS(word, old, lo | (hi << 16));
        if (seen == old) {
            return old;
        }
        old = seen;
    }
}

// one half or bfloat16 at a 2-byte aligned address, in the low or the high half of its word
__device__ inline unsigned short __cw_atomic_small_bits(unsigned short *address, unsigned short value, int op, int bf) {
    unsigned int high = (unsigned int)((unsigned long long)address & 2ull);
    unsigned int *word = (unsigned int *)((char *)address - high);
    unsigned int old = __cw_atomic_halves_bits(word, (unsigned int)value << (high * 8u), high != 0u ? 2 : 1, op, bf);
    return (unsigned short)(old >> (high * 8u));
}

// PTX atom.cas.b16 (nvcc's loop for the atomics a target lacks, bfloat16 addition before sm_90): a
// 32-bit compare-and-swap of the containing word, retried while only the other half changed
__device__ inline unsigned short __cw_atomic_cas16_bits(unsigned short *address, unsigned short compare, unsigned short value) {
    unsigned int shift = (unsigned int)((unsigned long long)address & 2ull) * 8u;
    unsigned int *word = (unsigned int *)((char *)address - shift / 8u);
    unsigned int old = *word;
    while (true) {
        unsigned short current = (unsigned short)(old >> shift);
        if (current != compare) {
            return current;
        }
        unsigned int seen = atomicCAS(word, old, (old & ~(0xffffu << shift)) | ((unsigned int)value << shift));
        if (seen == old) {
            return current;
        }
        old = seen;
    }
}

#endif
