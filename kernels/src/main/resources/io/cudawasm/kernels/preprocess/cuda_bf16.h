// cuda_bf16.h as cuda-wasm builds it in: bfloat16 (float's sign and exponent, 7 fraction bits)
// held as its 16 bits, every operation rounded once to bfloat16 (round to nearest even unless the
// name says otherwise) by the rounding core it shares with cuda_fp16.h. Written for this compiler
// (not NVIDIA's header); see kernels/README.md "Half precision".
#ifndef __CW_CUDA_BF16_H
#define __CW_CUDA_BF16_H
#include <cw_float16_core.h>

struct __nv_bfloat16_raw {
    unsigned short x;
};

struct __align__(2) __nv_bfloat16 {
    unsigned short __x;
    __device__ __nv_bfloat16() = default;
    __device__ __nv_bfloat16(const __nv_bfloat16_raw &hr) : __x(hr.x) {}
    __device__ __nv_bfloat16(float f) : __x(__cw_float2bf16_bits(f, 0)) {}
    __device__ __nv_bfloat16(double f) : __x(__cw_double2bf16_bits(f, 0)) {}
    __device__ __nv_bfloat16(int i) : __x(__cw_float2bf16_bits((float)i, 0)) {}
    __device__ __nv_bfloat16(unsigned int i) : __x(__cw_float2bf16_bits((float)i, 0)) {}
    __device__ operator float() const { return __cw_bf162float_bits(__x); }
    __device__ operator __nv_bfloat16_raw() const { __nv_bfloat16_raw r; r.x = __x; return r; }
};
typedef __nv_bfloat16 nv_bfloat16;

struct __nv_bfloat162_raw {
    unsigned short x;
    unsigned short y;
};

struct __align__(4) __nv_bfloat162 {
    __nv_bfloat16 x;
    __nv_bfloat16 y;
    __device__ __nv_bfloat162() = default;
    __device__ __nv_bfloat162(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { x = a; y = b; }
    // numbers get their own constructor: this compiler's overload resolution does not convert
    // arguments to classes
    __device__ __nv_bfloat162(float a, float b) { x = __nv_bfloat16(a); y = __nv_bfloat16(b); }
    __device__ __nv_bfloat162(const __nv_bfloat162_raw &hr) { x.__x = hr.x; y.__x = hr.y; }
    __device__ operator __nv_bfloat162_raw() const { __nv_bfloat162_raw r; r.x = x.__x; r.y = y.__x; return r; }
};
typedef __nv_bfloat162 nv_bfloat162;

__device__ inline __nv_bfloat16 __cw_bf16_of(unsigned short bits) { __nv_bfloat16 h; h.__x = bits; return h; }
__device__ inline __nv_bfloat162 __cw_bf162_of(unsigned short lo, unsigned short hi) {
    __nv_bfloat162 h; h.x.__x = lo; h.y.__x = hi; return h;
}
__device__ inline unsigned int __cw_bf162_as_uint(__nv_bfloat162 h) {
    return (unsigned int)h.x.__x | ((unsigned int)h.y.__x << 16);
}
__device__ inline __nv_bfloat162 __cw_uint_as_bf162(unsigned int u) {
    return __cw_bf162_of((unsigned short)(u & 0xffffu), (unsigned short)(u >> 16));
}

// conversions
__device__ inline __nv_bfloat16 __float2bfloat16(float f) { return __cw_bf16_of(__cw_float2bf16_bits(f, 0)); }
__device__ inline __nv_bfloat16 __float2bfloat16_rn(float f) { return __cw_bf16_of(__cw_float2bf16_bits(f, 0)); }
__device__ inline __nv_bfloat16 __float2bfloat16_rz(float f) { return __cw_bf16_of(__cw_float2bf16_bits(f, 1)); }
__device__ inline __nv_bfloat16 __float2bfloat16_rd(float f) { return __cw_bf16_of(__cw_float2bf16_bits(f, 2)); }
__device__ inline __nv_bfloat16 __float2bfloat16_ru(float f) { return __cw_bf16_of(__cw_float2bf16_bits(f, 3)); }
__device__ inline __nv_bfloat16 __double2bfloat16(double d) { return __cw_bf16_of(__cw_double2bf16_bits(d, 0)); }
__device__ inline float __bfloat162float(__nv_bfloat16 h) { return __cw_bf162float_bits(h.__x); }
// integers up to 2^24 are exact in float; larger ones are rounded to odd there first
__device__ inline unsigned short __cw_int2bf16_bits(int i, int mode) {
    float f = (float)i;
    int back = f >= 2147483648.0f ? 2147483647 : (int)f; // 2^31 itself is past every int
    int toward = f >= 2147483648.0f || back > i ? -1 : back < i ? 1 : 0; // where i lies from f
    return __cw_float2bf16_bits(__cw_round_to_odd(f, toward), mode);
}
__device__ inline __nv_bfloat16 __int2bfloat16_rn(int i) { return __cw_bf16_of(__cw_int2bf16_bits(i, 0)); }
__device__ inline __nv_bfloat16 __int2bfloat16_rz(int i) { return __cw_bf16_of(__cw_int2bf16_bits(i, 1)); }
__device__ inline __nv_bfloat16 __int2bfloat16_rd(int i) { return __cw_bf16_of(__cw_int2bf16_bits(i, 2)); }
__device__ inline __nv_bfloat16 __int2bfloat16_ru(int i) { return __cw_bf16_of(__cw_int2bf16_bits(i, 3)); }
__device__ inline __nv_bfloat16 __short2bfloat16_rn(short i) { return __cw_bf16_of(__cw_float2bf16_bits((float)i, 0)); }
__device__ inline __nv_bfloat16 __ushort2bfloat16_rn(unsigned short i) { return __cw_bf16_of(__cw_float2bf16_bits((float)i, 0)); }
__device__ inline int __bfloat162int_rn(__nv_bfloat16 h) { return __float2int_rn(__cw_bf162float_bits(h.__x)); }
__device__ inline int __bfloat162int_rz(__nv_bfloat16 h) { return __float2int_rz(__cw_bf162float_bits(h.__x)); }
__device__ inline int __bfloat162int_rd(__nv_bfloat16 h) { return __float2int_rd(__cw_bf162float_bits(h.__x)); }
__device__ inline int __bfloat162int_ru(__nv_bfloat16 h) { return __float2int_ru(__cw_bf162float_bits(h.__x)); }
__device__ inline unsigned int __bfloat162uint_rz(__nv_bfloat16 h) { return __float2uint_rz(__cw_bf162float_bits(h.__x)); }
__device__ inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 h) { return h.__x; }
__device__ inline short __bfloat16_as_short(__nv_bfloat16 h) { return (short)h.__x; }
__device__ inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short u) { return __cw_bf16_of(u); }
__device__ inline __nv_bfloat16 __short_as_bfloat16(short s) { return __cw_bf16_of((unsigned short)s); }
__device__ inline __nv_bfloat162 __float2bfloat162_rn(float f) {
    unsigned short h = __cw_float2bf16_bits(f, 0);
    return __cw_bf162_of(h, h);
}
__device__ inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b) {
    return __cw_bf162_of(__cw_float2bf16_bits(a, 0), __cw_float2bf16_bits(b, 0));
}
__device__ inline __nv_bfloat162 __float22bfloat162_rn(float2 f) {
    return __cw_bf162_of(__cw_float2bf16_bits(f.x, 0), __cw_float2bf16_bits(f.y, 0));
}
__device__ inline float2 __bfloat1622float2(__nv_bfloat162 h) {
    return make_float2(__cw_bf162float_bits(h.x.__x), __cw_bf162float_bits(h.y.__x));
}
__device__ inline float __low2float(__nv_bfloat162 h) { return __cw_bf162float_bits(h.x.__x); }
__device__ inline float __high2float(__nv_bfloat162 h) { return __cw_bf162float_bits(h.y.__x); }
__device__ inline __nv_bfloat16 __low2bfloat16(__nv_bfloat162 h) { return h.x; }
__device__ inline __nv_bfloat16 __high2bfloat16(__nv_bfloat162 h) { return h.y; }
__device__ inline __nv_bfloat162 __halves2bfloat162(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf162_of(a.__x, b.__x); }
__device__ inline __nv_bfloat162 __bfloat162bfloat162(__nv_bfloat16 a) { return __cw_bf162_of(a.__x, a.__x); }
__device__ inline __nv_bfloat162 __lows2bfloat162(__nv_bfloat162 a, __nv_bfloat162 b) { return __cw_bf162_of(a.x.__x, b.x.__x); }
__device__ inline __nv_bfloat162 __highs2bfloat162(__nv_bfloat162 a, __nv_bfloat162 b) { return __cw_bf162_of(a.y.__x, b.y.__x); }
__device__ inline __nv_bfloat162 __low2bfloat162(__nv_bfloat162 a) { return __cw_bf162_of(a.x.__x, a.x.__x); }
__device__ inline __nv_bfloat162 __high2bfloat162(__nv_bfloat162 a) { return __cw_bf162_of(a.y.__x, a.y.__x); }
__device__ inline __nv_bfloat162 __lowhigh2highlow(__nv_bfloat162 a) { return __cw_bf162_of(a.y.__x, a.x.__x); }
__device__ inline __nv_bfloat162 make_bfloat162(__nv_bfloat16 x, __nv_bfloat16 y) { return __cw_bf162_of(x.__x, y.__x); }

// arithmetic: the overloads cuda_bf16.h declares beside cuda_fp16.h's
__device__ inline __nv_bfloat16 __hadd(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf16_of(__cw_bf16op_bits(0, a.__x, b.__x)); }
__device__ inline __nv_bfloat16 __hsub(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf16_of(__cw_bf16op_bits(1, a.__x, b.__x)); }
__device__ inline __nv_bfloat16 __hmul(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf16_of(__cw_bf16op_bits(2, a.__x, b.__x)); }
__device__ inline __nv_bfloat16 __hdiv(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf16_of(__cw_bf16op_bits(3, a.__x, b.__x)); }
__device__ inline __nv_bfloat16 __hadd_rn(__nv_bfloat16 a, __nv_bfloat16 b) { return __hadd(a, b); }
__device__ inline __nv_bfloat16 __hsub_rn(__nv_bfloat16 a, __nv_bfloat16 b) { return __hsub(a, b); }
__device__ inline __nv_bfloat16 __hmul_rn(__nv_bfloat16 a, __nv_bfloat16 b) { return __hmul(a, b); }
__device__ inline __nv_bfloat16 __hfma(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c) { return __cw_bf16_of(__cw_bf16fma_bits(a.__x, b.__x, c.__x, 0)); }
__device__ inline __nv_bfloat16 __hneg(__nv_bfloat16 a) { return __cw_bf16_of((unsigned short)(a.__x ^ 0x8000u)); }
__device__ inline __nv_bfloat16 __habs(__nv_bfloat16 a) { return __cw_bf16_of((unsigned short)(a.__x & 0x7fffu)); }

__device__ inline __nv_bfloat162 __hadd2(__nv_bfloat162 a, __nv_bfloat162 b) { return __cw_bf162_of(__cw_bf16op_bits(0, a.x.__x, b.x.__x), __cw_bf16op_bits(0, a.y.__x, b.y.__x)); }
__device__ inline __nv_bfloat162 __hsub2(__nv_bfloat162 a, __nv_bfloat162 b) { return __cw_bf162_of(__cw_bf16op_bits(1, a.x.__x, b.x.__x), __cw_bf16op_bits(1, a.y.__x, b.y.__x)); }
__device__ inline __nv_bfloat162 __hmul2(__nv_bfloat162 a, __nv_bfloat162 b) { return __cw_bf162_of(__cw_bf16op_bits(2, a.x.__x, b.x.__x), __cw_bf16op_bits(2, a.y.__x, b.y.__x)); }
__device__ inline __nv_bfloat162 __h2div(__nv_bfloat162 a, __nv_bfloat162 b) { return __cw_bf162_of(__cw_bf16op_bits(3, a.x.__x, b.x.__x), __cw_bf16op_bits(3, a.y.__x, b.y.__x)); }
__device__ inline __nv_bfloat162 __hadd2_rn(__nv_bfloat162 a, __nv_bfloat162 b) { return __hadd2(a, b); }
__device__ inline __nv_bfloat162 __hsub2_rn(__nv_bfloat162 a, __nv_bfloat162 b) { return __hsub2(a, b); }
__device__ inline __nv_bfloat162 __hmul2_rn(__nv_bfloat162 a, __nv_bfloat162 b) { return __hmul2(a, b); }
__device__ inline __nv_bfloat162 __hfma2(__nv_bfloat162 a, __nv_bfloat162 b, __nv_bfloat162 c) {
    return __cw_bf162_of(__cw_bf16fma_bits(a.x.__x, b.x.__x, c.x.__x, 0), __cw_bf16fma_bits(a.y.__x, b.y.__x, c.y.__x, 0));
}
__device__ inline __nv_bfloat162 __hneg2(__nv_bfloat162 a) { return __cw_bf162_of((unsigned short)(a.x.__x ^ 0x8000u), (unsigned short)(a.y.__x ^ 0x8000u)); }
__device__ inline __nv_bfloat162 __habs2(__nv_bfloat162 a) { return __cw_bf162_of((unsigned short)(a.x.__x & 0x7fffu), (unsigned short)(a.y.__x & 0x7fffu)); }

// comparisons: ordered (false with a NaN) unless the name ends in u
__device__ inline bool __hisnan(__nv_bfloat16 a) { return (a.__x & 0x7fffu) > 0x7f80u; }
__device__ inline int __hisinf(__nv_bfloat16 a) {
    return (a.__x & 0x7fffu) != 0x7f80u ? 0 : (a.__x & 0x8000u) != 0u ? -1 : 1;
}
__device__ inline bool __heq(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf162float_bits(a.__x) == __cw_bf162float_bits(b.__x); }
__device__ inline bool __hne(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf162float_bits(a.__x) < __cw_bf162float_bits(b.__x) || __cw_bf162float_bits(a.__x) > __cw_bf162float_bits(b.__x); }
__device__ inline bool __hlt(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf162float_bits(a.__x) < __cw_bf162float_bits(b.__x); }
__device__ inline bool __hle(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf162float_bits(a.__x) <= __cw_bf162float_bits(b.__x); }
__device__ inline bool __hgt(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf162float_bits(a.__x) > __cw_bf162float_bits(b.__x); }
__device__ inline bool __hge(__nv_bfloat16 a, __nv_bfloat16 b) { return __cw_bf162float_bits(a.__x) >= __cw_bf162float_bits(b.__x); }
__device__ inline bool __hequ(__nv_bfloat16 a, __nv_bfloat16 b) { return !__hne(a, b); }
__device__ inline bool __hneu(__nv_bfloat16 a, __nv_bfloat16 b) { return !__heq(a, b); }
__device__ inline bool __hltu(__nv_bfloat16 a, __nv_bfloat16 b) { return !__hge(a, b); }
__device__ inline bool __hleu(__nv_bfloat16 a, __nv_bfloat16 b) { return !__hgt(a, b); }
__device__ inline bool __hgtu(__nv_bfloat16 a, __nv_bfloat16 b) { return !__hle(a, b); }
__device__ inline bool __hgeu(__nv_bfloat16 a, __nv_bfloat16 b) { return !__hlt(a, b); }
// max/min: a NaN operand gives the other operand, two NaNs the canonical NaN (PTX max.bf16/min.bf16)
__device__ inline __nv_bfloat16 __hmax(__nv_bfloat16 a, __nv_bfloat16 b) {
    if (__hisnan(a)) { return __hisnan(b) ? __cw_bf16_of((unsigned short)0x7fffu) : b; }
    if (__hisnan(b)) { return a; }
    return __hlt(a, b) ? b : a;
}
__device__ inline __nv_bfloat16 __hmin(__nv_bfloat16 a, __nv_bfloat16 b) {
    if (__hisnan(a)) { return __hisnan(b) ? __cw_bf16_of((unsigned short)0x7fffu) : b; }
    if (__hisnan(b)) { return a; }
    return __hlt(b, a) ? b : a;
}
__device__ inline __nv_bfloat16 __cw_bf16flag(bool v) { return __cw_bf16_of((unsigned short)(v ? 0x3f80u : 0u)); }
__device__ inline __nv_bfloat162 __hisnan2(__nv_bfloat162 a) { return __halves2bfloat162(__cw_bf16flag(__hisnan(a.x)), __cw_bf16flag(__hisnan(a.y))); }
__device__ inline __nv_bfloat162 __heq2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__cw_bf16flag(__heq(a.x, b.x)), __cw_bf16flag(__heq(a.y, b.y))); }
__device__ inline __nv_bfloat162 __hne2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__cw_bf16flag(__hne(a.x, b.x)), __cw_bf16flag(__hne(a.y, b.y))); }
__device__ inline __nv_bfloat162 __hlt2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__cw_bf16flag(__hlt(a.x, b.x)), __cw_bf16flag(__hlt(a.y, b.y))); }
__device__ inline __nv_bfloat162 __hle2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__cw_bf16flag(__hle(a.x, b.x)), __cw_bf16flag(__hle(a.y, b.y))); }
__device__ inline __nv_bfloat162 __hgt2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__cw_bf16flag(__hgt(a.x, b.x)), __cw_bf16flag(__hgt(a.y, b.y))); }
__device__ inline __nv_bfloat162 __hge2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__cw_bf16flag(__hge(a.x, b.x)), __cw_bf16flag(__hge(a.y, b.y))); }
__device__ inline bool __hbeq2(__nv_bfloat162 a, __nv_bfloat162 b) { return __heq(a.x, b.x) && __heq(a.y, b.y); }
__device__ inline bool __hbne2(__nv_bfloat162 a, __nv_bfloat162 b) { return __hne(a.x, b.x) && __hne(a.y, b.y); }
__device__ inline bool __hblt2(__nv_bfloat162 a, __nv_bfloat162 b) { return __hlt(a.x, b.x) && __hlt(a.y, b.y); }
__device__ inline bool __hble2(__nv_bfloat162 a, __nv_bfloat162 b) { return __hle(a.x, b.x) && __hle(a.y, b.y); }
__device__ inline bool __hbgt2(__nv_bfloat162 a, __nv_bfloat162 b) { return __hgt(a.x, b.x) && __hgt(a.y, b.y); }
__device__ inline bool __hbge2(__nv_bfloat162 a, __nv_bfloat162 b) { return __hge(a.x, b.x) && __hge(a.y, b.y); }
__device__ inline bool __hbneu2(__nv_bfloat162 a, __nv_bfloat162 b) { return __hneu(a.x, b.x) && __hneu(a.y, b.y); }
__device__ inline __nv_bfloat162 __hmax2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__hmax(a.x, b.x), __hmax(a.y, b.y)); }
__device__ inline __nv_bfloat162 __hmin2(__nv_bfloat162 a, __nv_bfloat162 b) { return __halves2bfloat162(__hmin(a.x, b.x), __hmin(a.y, b.y)); }

// the operators cuda_bf16.hpp defines
__device__ inline __nv_bfloat16 operator+(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hadd(a, b); }
__device__ inline __nv_bfloat16 operator-(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hsub(a, b); }
__device__ inline __nv_bfloat16 operator*(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hmul(a, b); }
__device__ inline __nv_bfloat16 operator/(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hdiv(a, b); }
__device__ inline __nv_bfloat16 &operator+=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { a = __hadd(a, b); return a; }
__device__ inline __nv_bfloat16 &operator-=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { a = __hsub(a, b); return a; }
__device__ inline __nv_bfloat16 &operator*=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { a = __hmul(a, b); return a; }
__device__ inline __nv_bfloat16 &operator/=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { a = __hdiv(a, b); return a; }
__device__ inline __nv_bfloat16 operator-(const __nv_bfloat16 &a) { return __hneg(a); }
__device__ inline __nv_bfloat16 operator+(const __nv_bfloat16 &a) { return a; }
__device__ inline bool operator==(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __heq(a, b); }
__device__ inline bool operator!=(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hneu(a, b); }
__device__ inline bool operator<(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hlt(a, b); }
__device__ inline bool operator<=(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hle(a, b); }
__device__ inline bool operator>(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hgt(a, b); }
__device__ inline bool operator>=(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hge(a, b); }
__device__ inline __nv_bfloat162 operator+(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hadd2(a, b); }
__device__ inline __nv_bfloat162 operator-(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hsub2(a, b); }
__device__ inline __nv_bfloat162 operator*(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hmul2(a, b); }
__device__ inline __nv_bfloat162 operator/(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __h2div(a, b); }
__device__ inline __nv_bfloat162 &operator+=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { a = __hadd2(a, b); return a; }
__device__ inline __nv_bfloat162 &operator-=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { a = __hsub2(a, b); return a; }
__device__ inline __nv_bfloat162 &operator*=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { a = __hmul2(a, b); return a; }
__device__ inline __nv_bfloat162 &operator/=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { a = __h2div(a, b); return a; }
__device__ inline __nv_bfloat162 operator-(const __nv_bfloat162 &a) { return __hneg2(a); }
__device__ inline __nv_bfloat162 operator+(const __nv_bfloat162 &a) { return a; }
__device__ inline bool operator==(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hbeq2(a, b); }
__device__ inline bool operator!=(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hbneu2(a, b); }
__device__ inline bool operator<(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hblt2(a, b); }
__device__ inline bool operator<=(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hble2(a, b); }
__device__ inline bool operator>(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hbgt2(a, b); }
__device__ inline bool operator>=(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hbge2(a, b); }

// warp shuffles move the bits
__device__ inline __nv_bfloat16 __shfl_sync(unsigned int mask, __nv_bfloat16 v, int lane, int width = 32) {
    return __cw_bf16_of((unsigned short)__shfl_sync(mask, (unsigned int)v.__x, lane, width));
}
__device__ inline __nv_bfloat16 __shfl_up_sync(unsigned int mask, __nv_bfloat16 v, unsigned int delta, int width = 32) {
    return __cw_bf16_of((unsigned short)__shfl_up_sync(mask, (unsigned int)v.__x, delta, width));
}
__device__ inline __nv_bfloat16 __shfl_down_sync(unsigned int mask, __nv_bfloat16 v, unsigned int delta, int width = 32) {
    return __cw_bf16_of((unsigned short)__shfl_down_sync(mask, (unsigned int)v.__x, delta, width));
}
__device__ inline __nv_bfloat16 __shfl_xor_sync(unsigned int mask, __nv_bfloat16 v, int lanes, int width = 32) {
    return __cw_bf16_of((unsigned short)__shfl_xor_sync(mask, (unsigned int)v.__x, lanes, width));
}
__device__ inline __nv_bfloat162 __shfl_sync(unsigned int mask, __nv_bfloat162 v, int lane, int width = 32) {
    return __cw_uint_as_bf162(__shfl_sync(mask, __cw_bf162_as_uint(v), lane, width));
}
__device__ inline __nv_bfloat162 __shfl_up_sync(unsigned int mask, __nv_bfloat162 v, unsigned int delta, int width = 32) {
    return __cw_uint_as_bf162(__shfl_up_sync(mask, __cw_bf162_as_uint(v), delta, width));
}
__device__ inline __nv_bfloat162 __shfl_down_sync(unsigned int mask, __nv_bfloat162 v, unsigned int delta, int width = 32) {
    return __cw_uint_as_bf162(__shfl_down_sync(mask, __cw_bf162_as_uint(v), delta, width));
}
__device__ inline __nv_bfloat162 __shfl_xor_sync(unsigned int mask, __nv_bfloat162 v, int lanes, int width = 32) {
    return __cw_uint_as_bf162(__shfl_xor_sync(mask, __cw_bf162_as_uint(v), lanes, width));
}

// atomics: a compare-and-swap loop on the 32-bit word holding the value, the sum rounded once
// (an __nv_bfloat162's two halves are added in one exchange of the word)
__device__ inline __nv_bfloat16 atomicAdd(__nv_bfloat16 *address, __nv_bfloat16 val) {
    return __cw_bf16_of(__cw_atomic_small_bits(&address->__x, val.__x, 0, 1));
}
__device__ inline __nv_bfloat162 atomicAdd(__nv_bfloat162 *address, __nv_bfloat162 val) {
    return __cw_uint_as_bf162(__cw_atomic_halves_bits((unsigned int *)address, __cw_bf162_as_uint(val), 3, 0, 1));
}

#endif
