// cuda_fp16.h as cuda-wasm builds it in: IEEE binary16 held as its 16 bits, every operation computed
// from exact wider values and rounded once to half (round to nearest even unless the name says
// otherwise). Written for this compiler (not NVIDIA's header); see kernels/README.md "Half precision".
#ifndef __CW_CUDA_FP16_H
#define __CW_CUDA_FP16_H

#include <cw_float16_core.h>

struct __half_raw {
    unsigned short x;
};

struct __align__(2) __half {
    unsigned short __x;
    __device__ __half() = default;
    __device__ __half(const __half_raw &hr) : __x(hr.x) {}
    __device__ __half(float f) : __x(__cw_float2half_bits(f, 0)) {}
    __device__ __half(double f) : __x(__cw_double2half_bits(f, 0)) {}
    __device__ __half(int i) : __x(__cw_float2half_bits((float)i, 0)) {}
    __device__ __half(unsigned int i) : __x(__cw_float2half_bits((float)i, 0)) {}
    __device__ operator float() const { return __cw_half2float_bits(__x); }
    __device__ operator __half_raw() const { __half_raw r; r.x = __x; return r; }
};
typedef __half half;
typedef __half_raw __nv_half_raw;

struct __half2_raw {
    unsigned short x;
    unsigned short y;
};

struct __align__(4) __half2 {
    __half x;
    __half y;
    __device__ __half2() = default;
    __device__ __half2(const __half &a, const __half &b) { x = a; y = b; }
    // CUDA reaches this through __half's converting constructors; this compiler's overload
    // resolution does not convert arguments to classes, so numbers get their own constructor
    __device__ __half2(float a, float b) { x = __half(a); y = __half(b); }
    __device__ __half2(const __half2_raw &hr) { x.__x = hr.x; y.__x = hr.y; }
    __device__ operator __half2_raw() const { __half2_raw r; r.x = x.__x; r.y = y.__x; return r; }
};
typedef __half2 half2;

__device__ inline __half __cw_half_of(unsigned short bits) { __half h; h.__x = bits; return h; }
__device__ inline __half2 __cw_half2_of(unsigned short lo, unsigned short hi) {
    __half2 h; h.x.__x = lo; h.y.__x = hi; return h;
}
__device__ inline unsigned int __cw_half2_as_uint(__half2 h) {
    return (unsigned int)h.x.__x | ((unsigned int)h.y.__x << 16);
}
__device__ inline __half2 __cw_uint_as_half2(unsigned int u) {
    return __cw_half2_of((unsigned short)(u & 0xffffu), (unsigned short)(u >> 16));
}

// conversions
__device__ inline __half __float2half(float f) { return __cw_half_of(__cw_float2half_bits(f, 0)); }
__device__ inline __half __float2half_rn(float f) { return __cw_half_of(__cw_float2half_bits(f, 0)); }
__device__ inline __half __float2half_rz(float f) { return __cw_half_of(__cw_float2half_bits(f, 1)); }
__device__ inline __half __float2half_rd(float f) { return __cw_half_of(__cw_float2half_bits(f, 2)); }
__device__ inline __half __float2half_ru(float f) { return __cw_half_of(__cw_float2half_bits(f, 3)); }
__device__ inline __half __double2half(double d) { return __cw_half_of(__cw_double2half_bits(d, 0)); }
__device__ inline float __half2float(__half h) { return __cw_half2float_bits(h.__x); }
__device__ inline __half __int2half_rn(int i) { return __cw_half_of(__cw_float2half_bits((float)i, 0)); }
__device__ inline __half __int2half_rz(int i) { return __cw_half_of(__cw_float2half_bits((float)i, 1)); }
__device__ inline __half __int2half_rd(int i) { return __cw_half_of(__cw_float2half_bits((float)i, 2)); }
__device__ inline __half __int2half_ru(int i) { return __cw_half_of(__cw_float2half_bits((float)i, 3)); }
__device__ inline __half __uint2half_rn(unsigned int i) { return __cw_half_of(__cw_float2half_bits((float)i, 0)); }
__device__ inline __half __short2half_rn(short i) { return __cw_half_of(__cw_float2half_bits((float)i, 0)); }
__device__ inline __half __ushort2half_rn(unsigned short i) { return __cw_half_of(__cw_float2half_bits((float)i, 0)); }
__device__ inline __half __ll2half_rn(long long i) { return __cw_half_of(__cw_float2half_bits((float)i, 0)); }
__device__ inline int __half2int_rn(__half h) { return __float2int_rn(__cw_half2float_bits(h.__x)); }
__device__ inline int __half2int_rz(__half h) { return __float2int_rz(__cw_half2float_bits(h.__x)); }
__device__ inline int __half2int_rd(__half h) { return __float2int_rd(__cw_half2float_bits(h.__x)); }
__device__ inline int __half2int_ru(__half h) { return __float2int_ru(__cw_half2float_bits(h.__x)); }
__device__ inline unsigned int __half2uint_rn(__half h) { return __float2uint_rn(__cw_half2float_bits(h.__x)); }
__device__ inline unsigned int __half2uint_rz(__half h) { return __float2uint_rz(__cw_half2float_bits(h.__x)); }
__device__ inline long long __half2ll_rz(__half h) { return __float2ll_rz(__cw_half2float_bits(h.__x)); }
__device__ inline short __half2short_rz(__half h) {
    int i = __float2int_rz(__cw_half2float_bits(h.__x));
    return (short)(i < -32768 ? -32768 : i > 32767 ? 32767 : i);
}
__device__ inline unsigned short __half_as_ushort(__half h) { return h.__x; }
__device__ inline short __half_as_short(__half h) { return (short)h.__x; }
__device__ inline __half __ushort_as_half(unsigned short u) { return __cw_half_of(u); }
__device__ inline __half __short_as_half(short s) { return __cw_half_of((unsigned short)s); }
__device__ inline __half2 __float2half2_rn(float f) {
    unsigned short h = __cw_float2half_bits(f, 0);
    return __cw_half2_of(h, h);
}
__device__ inline __half2 __floats2half2_rn(float a, float b) {
    return __cw_half2_of(__cw_float2half_bits(a, 0), __cw_float2half_bits(b, 0));
}
__device__ inline __half2 __float22half2_rn(float2 f) {
    return __cw_half2_of(__cw_float2half_bits(f.x, 0), __cw_float2half_bits(f.y, 0));
}
__device__ inline float2 __half22float2(__half2 h) {
    return make_float2(__cw_half2float_bits(h.x.__x), __cw_half2float_bits(h.y.__x));
}
__device__ inline float __low2float(__half2 h) { return __cw_half2float_bits(h.x.__x); }
__device__ inline float __high2float(__half2 h) { return __cw_half2float_bits(h.y.__x); }
__device__ inline __half __low2half(__half2 h) { return h.x; }
__device__ inline __half __high2half(__half2 h) { return h.y; }
__device__ inline __half2 __halves2half2(__half a, __half b) { return __cw_half2_of(a.__x, b.__x); }
__device__ inline __half2 __half2half2(__half a) { return __cw_half2_of(a.__x, a.__x); }
__device__ inline __half2 __lows2half2(__half2 a, __half2 b) { return __cw_half2_of(a.x.__x, b.x.__x); }
__device__ inline __half2 __highs2half2(__half2 a, __half2 b) { return __cw_half2_of(a.y.__x, b.y.__x); }
__device__ inline __half2 __low2half2(__half2 a) { return __cw_half2_of(a.x.__x, a.x.__x); }
__device__ inline __half2 __high2half2(__half2 a) { return __cw_half2_of(a.y.__x, a.y.__x); }
__device__ inline __half2 __lowhigh2highlow(__half2 a) { return __cw_half2_of(a.y.__x, a.x.__x); }
__device__ inline __half2 make_half2(__half x, __half y) { return __cw_half2_of(x.__x, y.__x); }

// arithmetic
__device__ inline __half __hadd(__half a, __half b) { return __cw_half_of(__cw_hop_bits(0, a.__x, b.__x)); }
__device__ inline __half __hsub(__half a, __half b) { return __cw_half_of(__cw_hop_bits(1, a.__x, b.__x)); }
__device__ inline __half __hmul(__half a, __half b) { return __cw_half_of(__cw_hop_bits(2, a.__x, b.__x)); }
__device__ inline __half __hdiv(__half a, __half b) { return __cw_half_of(__cw_hop_bits(3, a.__x, b.__x)); }
__device__ inline __half __hadd_rn(__half a, __half b) { return __hadd(a, b); }
__device__ inline __half __hsub_rn(__half a, __half b) { return __hsub(a, b); }
__device__ inline __half __hmul_rn(__half a, __half b) { return __hmul(a, b); }
__device__ inline __half __hadd_sat(__half a, __half b) { return __cw_half_of(__cw_sat_bits(__cw_hop_bits(0, a.__x, b.__x))); }
__device__ inline __half __hsub_sat(__half a, __half b) { return __cw_half_of(__cw_sat_bits(__cw_hop_bits(1, a.__x, b.__x))); }
__device__ inline __half __hmul_sat(__half a, __half b) { return __cw_half_of(__cw_sat_bits(__cw_hop_bits(2, a.__x, b.__x))); }
__device__ inline __half __hfma(__half a, __half b, __half c) { return __cw_half_of(__cw_hfma_bits(a.__x, b.__x, c.__x, 0)); }
__device__ inline __half __hfma_sat(__half a, __half b, __half c) {
    return __cw_half_of(__cw_sat_bits(__cw_hfma_bits(a.__x, b.__x, c.__x, 0)));
}
__device__ inline __half __hneg(__half a) { return __cw_half_of((unsigned short)(a.__x ^ 0x8000u)); }
__device__ inline __half __habs(__half a) { return __cw_half_of((unsigned short)(a.__x & 0x7fffu)); }

__device__ inline __half2 __hadd2(__half2 a, __half2 b) { return __cw_half2_of(__cw_hop_bits(0, a.x.__x, b.x.__x), __cw_hop_bits(0, a.y.__x, b.y.__x)); }
__device__ inline __half2 __hsub2(__half2 a, __half2 b) { return __cw_half2_of(__cw_hop_bits(1, a.x.__x, b.x.__x), __cw_hop_bits(1, a.y.__x, b.y.__x)); }
__device__ inline __half2 __hmul2(__half2 a, __half2 b) { return __cw_half2_of(__cw_hop_bits(2, a.x.__x, b.x.__x), __cw_hop_bits(2, a.y.__x, b.y.__x)); }
__device__ inline __half2 __h2div(__half2 a, __half2 b) { return __cw_half2_of(__cw_hop_bits(3, a.x.__x, b.x.__x), __cw_hop_bits(3, a.y.__x, b.y.__x)); }
__device__ inline __half2 __hadd2_rn(__half2 a, __half2 b) { return __hadd2(a, b); }
__device__ inline __half2 __hsub2_rn(__half2 a, __half2 b) { return __hsub2(a, b); }
__device__ inline __half2 __hmul2_rn(__half2 a, __half2 b) { return __hmul2(a, b); }
__device__ inline __half2 __hadd2_sat(__half2 a, __half2 b) { return __cw_half2_of(__cw_sat_bits(__cw_hop_bits(0, a.x.__x, b.x.__x)), __cw_sat_bits(__cw_hop_bits(0, a.y.__x, b.y.__x))); }
__device__ inline __half2 __hsub2_sat(__half2 a, __half2 b) { return __cw_half2_of(__cw_sat_bits(__cw_hop_bits(1, a.x.__x, b.x.__x)), __cw_sat_bits(__cw_hop_bits(1, a.y.__x, b.y.__x))); }
__device__ inline __half2 __hmul2_sat(__half2 a, __half2 b) { return __cw_half2_of(__cw_sat_bits(__cw_hop_bits(2, a.x.__x, b.x.__x)), __cw_sat_bits(__cw_hop_bits(2, a.y.__x, b.y.__x))); }
__device__ inline __half2 __hfma2(__half2 a, __half2 b, __half2 c) {
    return __cw_half2_of(__cw_hfma_bits(a.x.__x, b.x.__x, c.x.__x, 0), __cw_hfma_bits(a.y.__x, b.y.__x, c.y.__x, 0));
}
__device__ inline __half2 __hfma2_sat(__half2 a, __half2 b, __half2 c) {
    return __cw_half2_of(__cw_sat_bits(__cw_hfma_bits(a.x.__x, b.x.__x, c.x.__x, 0)),
                         __cw_sat_bits(__cw_hfma_bits(a.y.__x, b.y.__x, c.y.__x, 0)));
}
__device__ inline __half2 __hneg2(__half2 a) { return __cw_half2_of((unsigned short)(a.x.__x ^ 0x8000u), (unsigned short)(a.y.__x ^ 0x8000u)); }
__device__ inline __half2 __habs2(__half2 a) { return __cw_half2_of((unsigned short)(a.x.__x & 0x7fffu), (unsigned short)(a.y.__x & 0x7fffu)); }

// comparisons: ordered (false with a NaN) unless the name ends in u
__device__ inline bool __hisnan(__half a) { return (a.__x & 0x7fffu) > 0x7c00u; }
__device__ inline int __hisinf(__half a) { // -1 for negative, 1 for positive infinity, as CUDA's
    return (a.__x & 0x7fffu) != 0x7c00u ? 0 : (a.__x & 0x8000u) != 0u ? -1 : 1;
}
__device__ inline bool __heq(__half a, __half b) { return __cw_half2float_bits(a.__x) == __cw_half2float_bits(b.__x); }
__device__ inline bool __hne(__half a, __half b) { return __cw_half2float_bits(a.__x) < __cw_half2float_bits(b.__x) || __cw_half2float_bits(a.__x) > __cw_half2float_bits(b.__x); }
__device__ inline bool __hlt(__half a, __half b) { return __cw_half2float_bits(a.__x) < __cw_half2float_bits(b.__x); }
__device__ inline bool __hle(__half a, __half b) { return __cw_half2float_bits(a.__x) <= __cw_half2float_bits(b.__x); }
__device__ inline bool __hgt(__half a, __half b) { return __cw_half2float_bits(a.__x) > __cw_half2float_bits(b.__x); }
__device__ inline bool __hge(__half a, __half b) { return __cw_half2float_bits(a.__x) >= __cw_half2float_bits(b.__x); }
__device__ inline bool __hequ(__half a, __half b) { return !__hne(a, b); }
__device__ inline bool __hneu(__half a, __half b) { return !__heq(a, b); }
__device__ inline bool __hltu(__half a, __half b) { return !__hge(a, b); }
__device__ inline bool __hleu(__half a, __half b) { return !__hgt(a, b); }
__device__ inline bool __hgtu(__half a, __half b) { return !__hle(a, b); }
__device__ inline bool __hgeu(__half a, __half b) { return !__hlt(a, b); }
// max/min: a NaN operand gives the other operand, two NaNs the canonical NaN (PTX max.f16/min.f16)
__device__ inline __half __hmax(__half a, __half b) {
    if (__hisnan(a)) { return __hisnan(b) ? __cw_half_of((unsigned short)0x7fffu) : b; }
    if (__hisnan(b)) { return a; }
    return __hlt(a, b) ? b : a;
}
__device__ inline __half __hmin(__half a, __half b) {
    if (__hisnan(a)) { return __hisnan(b) ? __cw_half_of((unsigned short)0x7fffu) : b; }
    if (__hisnan(b)) { return a; }
    return __hlt(b, a) ? b : a;
}
__device__ inline __half __cw_hflag(bool v) { return __cw_half_of((unsigned short)(v ? 0x3c00u : 0u)); }
__device__ inline __half2 __hisnan2(__half2 a) { return __halves2half2(__cw_hflag(__hisnan(a.x)), __cw_hflag(__hisnan(a.y))); }
__device__ inline __half2 __heq2(__half2 a, __half2 b) { return __halves2half2(__cw_hflag(__heq(a.x, b.x)), __cw_hflag(__heq(a.y, b.y))); }
__device__ inline __half2 __hne2(__half2 a, __half2 b) { return __halves2half2(__cw_hflag(__hne(a.x, b.x)), __cw_hflag(__hne(a.y, b.y))); }
__device__ inline __half2 __hlt2(__half2 a, __half2 b) { return __halves2half2(__cw_hflag(__hlt(a.x, b.x)), __cw_hflag(__hlt(a.y, b.y))); }
__device__ inline __half2 __hle2(__half2 a, __half2 b) { return __halves2half2(__cw_hflag(__hle(a.x, b.x)), __cw_hflag(__hle(a.y, b.y))); }
__device__ inline __half2 __hgt2(__half2 a, __half2 b) { return __halves2half2(__cw_hflag(__hgt(a.x, b.x)), __cw_hflag(__hgt(a.y, b.y))); }
__device__ inline __half2 __hge2(__half2 a, __half2 b) { return __halves2half2(__cw_hflag(__hge(a.x, b.x)), __cw_hflag(__hge(a.y, b.y))); }
__device__ inline bool __hbeq2(__half2 a, __half2 b) { return __heq(a.x, b.x) && __heq(a.y, b.y); }
__device__ inline bool __hbne2(__half2 a, __half2 b) { return __hne(a.x, b.x) && __hne(a.y, b.y); }
__device__ inline bool __hblt2(__half2 a, __half2 b) { return __hlt(a.x, b.x) && __hlt(a.y, b.y); }
__device__ inline bool __hble2(__half2 a, __half2 b) { return __hle(a.x, b.x) && __hle(a.y, b.y); }
__device__ inline bool __hbgt2(__half2 a, __half2 b) { return __hgt(a.x, b.x) && __hgt(a.y, b.y); }
__device__ inline bool __hbge2(__half2 a, __half2 b) { return __hge(a.x, b.x) && __hge(a.y, b.y); }
__device__ inline bool __hbequ2(__half2 a, __half2 b) { return __hequ(a.x, b.x) && __hequ(a.y, b.y); }
__device__ inline bool __hbneu2(__half2 a, __half2 b) { return __hneu(a.x, b.x) && __hneu(a.y, b.y); }
__device__ inline bool __hbltu2(__half2 a, __half2 b) { return __hltu(a.x, b.x) && __hltu(a.y, b.y); }
__device__ inline bool __hbleu2(__half2 a, __half2 b) { return __hleu(a.x, b.x) && __hleu(a.y, b.y); }
__device__ inline bool __hbgtu2(__half2 a, __half2 b) { return __hgtu(a.x, b.x) && __hgtu(a.y, b.y); }
__device__ inline bool __hbgeu2(__half2 a, __half2 b) { return __hgeu(a.x, b.x) && __hgeu(a.y, b.y); }
__device__ inline __half2 __hmax2(__half2 a, __half2 b) { return __halves2half2(__hmax(a.x, b.x), __hmax(a.y, b.y)); }
__device__ inline __half2 __hmin2(__half2 a, __half2 b) { return __halves2half2(__hmin(a.x, b.x), __hmin(a.y, b.y)); }

// the operators cuda_fp16.hpp defines
__device__ inline __half operator+(const __half &a, const __half &b) { return __hadd(a, b); }
__device__ inline __half operator-(const __half &a, const __half &b) { return __hsub(a, b); }
__device__ inline __half operator*(const __half &a, const __half &b) { return __hmul(a, b); }
__device__ inline __half operator/(const __half &a, const __half &b) { return __hdiv(a, b); }
__device__ inline __half &operator+=(__half &a, const __half &b) { a = __hadd(a, b); return a; }
__device__ inline __half &operator-=(__half &a, const __half &b) { a = __hsub(a, b); return a; }
__device__ inline __half &operator*=(__half &a, const __half &b) { a = __hmul(a, b); return a; }
__device__ inline __half &operator/=(__half &a, const __half &b) { a = __hdiv(a, b); return a; }
__device__ inline __half operator-(const __half &a) { return __hneg(a); }
__device__ inline __half operator+(const __half &a) { return a; }
__device__ inline bool operator==(const __half &a, const __half &b) { return __heq(a, b); }
__device__ inline bool operator!=(const __half &a, const __half &b) { return __hneu(a, b); }
__device__ inline bool operator<(const __half &a, const __half &b) { return __hlt(a, b); }
__device__ inline bool operator<=(const __half &a, const __half &b) { return __hle(a, b); }
__device__ inline bool operator>(const __half &a, const __half &b) { return __hgt(a, b); }
__device__ inline bool operator>=(const __half &a, const __half &b) { return __hge(a, b); }
__device__ inline __half2 operator+(const __half2 &a, const __half2 &b) { return __hadd2(a, b); }
__device__ inline __half2 operator-(const __half2 &a, const __half2 &b) { return __hsub2(a, b); }
__device__ inline __half2 operator*(const __half2 &a, const __half2 &b) { return __hmul2(a, b); }
__device__ inline __half2 operator/(const __half2 &a, const __half2 &b) { return __h2div(a, b); }
__device__ inline __half2 &operator+=(__half2 &a, const __half2 &b) { a = __hadd2(a, b); return a; }
__device__ inline __half2 &operator-=(__half2 &a, const __half2 &b) { a = __hsub2(a, b); return a; }
__device__ inline __half2 &operator*=(__half2 &a, const __half2 &b) { a = __hmul2(a, b); return a; }
__device__ inline __half2 &operator/=(__half2 &a, const __half2 &b) { a = __h2div(a, b); return a; }
__device__ inline __half2 operator-(const __half2 &a) { return __hneg2(a); }
__device__ inline __half2 operator+(const __half2 &a) { return a; }
__device__ inline bool operator==(const __half2 &a, const __half2 &b) { return __hbeq2(a, b); }
__device__ inline bool operator!=(const __half2 &a, const __half2 &b) { return __hbneu2(a, b); }
__device__ inline bool operator<(const __half2 &a, const __half2 &b) { return __hblt2(a, b); }
__device__ inline bool operator<=(const __half2 &a, const __half2 &b) { return __hble2(a, b); }
__device__ inline bool operator>(const __half2 &a, const __half2 &b) { return __hbgt2(a, b); }
__device__ inline bool operator>=(const __half2 &a, const __half2 &b) { return __hbge2(a, b); }

// warp shuffles of halves move their bits
__device__ inline __half __shfl_sync(unsigned int mask, __half v, int lane, int width = 32) {
    return __cw_half_of((unsigned short)__shfl_sync(mask, (unsigned int)v.__x, lane, width));
}
__device__ inline __half __shfl_up_sync(unsigned int mask, __half v, unsigned int delta, int width = 32) {
    return __cw_half_of((unsigned short)__shfl_up_sync(mask, (unsigned int)v.__x, delta, width));
}
__device__ inline __half __shfl_down_sync(unsigned int mask, __half v, unsigned int delta, int width = 32) {
    return __cw_half_of((unsigned short)__shfl_down_sync(mask, (unsigned int)v.__x, delta, width));
}
__device__ inline __half __shfl_xor_sync(unsigned int mask, __half v, int lanes, int width = 32) {
    return __cw_half_of((unsigned short)__shfl_xor_sync(mask, (unsigned int)v.__x, lanes, width));
}
__device__ inline __half2 __shfl_sync(unsigned int mask, __half2 v, int lane, int width = 32) {
    return __cw_uint_as_half2(__shfl_sync(mask, __cw_half2_as_uint(v), lane, width));
}
__device__ inline __half2 __shfl_up_sync(unsigned int mask, __half2 v, unsigned int delta, int width = 32) {
    return __cw_uint_as_half2(__shfl_up_sync(mask, __cw_half2_as_uint(v), delta, width));
}
__device__ inline __half2 __shfl_down_sync(unsigned int mask, __half2 v, unsigned int delta, int width = 32) {
    return __cw_uint_as_half2(__shfl_down_sync(mask, __cw_half2_as_uint(v), delta, width));
}
__device__ inline __half2 __shfl_xor_sync(unsigned int mask, __half2 v, int lanes, int width = 32) {
    return __cw_uint_as_half2(__shfl_xor_sync(mask, __cw_half2_as_uint(v), lanes, width));
}

// atomics: a compare-and-swap loop on the 32-bit word holding the value, the sum rounded once
// (an __half2's two halves are added in one exchange of the word)
__device__ inline __half atomicAdd(__half *address, __half val) {
    return __cw_half_of(__cw_atomic_small_bits(&address->__x, val.__x, 0, 0));
}
__device__ inline __half2 atomicAdd(__half2 *address, __half2 val) {
    return __cw_uint_as_half2(__cw_atomic_halves_bits((unsigned int *)address, __cw_half2_as_uint(val), 3, 0, 0));
}

#endif
