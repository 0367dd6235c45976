package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and unsupported sources: each must fail with one precise diagnostic at the right
 * file:line:column, quoting the source line — never a crash, never a silent miscompile.
 */
class DiagnosticsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
            // syntax
            Arguments.of("missing semicolon", "__global__ void k(int* a) {\n  a[0] = 1\n}\n", 3, 1, "expected ';'"),
            Arguments.of("unbalanced brace", "__global__ void k(int* a) {\n  if (a) { a[0] = 1;\n}\n", 1, 27, "expected '}'"),
            Arguments.of("stray character", "__global__ void k(int* a) { a[0] = 1 @ 2; }", 1, 38, "expected ';'"),
            Arguments.of("bad token", "__global__ void k(int* a) { a[0] = `1; }", 1, 36, "stray character"),
            Arguments.of("unterminated comment", "__global__ void k() { /* never ends\n}", 1, 23, "unterminated /* comment"),
            Arguments.of("unterminated char", "__global__ void k(char* c) { c[0] = 'a; }", 1, 37, "missing terminating '"),
            Arguments.of("bad literal", "__global__ void k(int* a) { a[0] = 0x; }", 1, 36, "invalid integer literal"),
            Arguments.of("huge literal", "__global__ void k(long* a) { a[0] = 123456789012345678901234567890; }", 1, 37,
                    "too large"),
            Arguments.of("expression expected", "__global__ void k(int* a) { a[0] = ; }", 1, 36, "expected expression"),
            // preprocessor
            Arguments.of("#error", "#if 1\n#error kernel needs N\n#endif\n", 2, 1, "#error kernel needs N"),
            Arguments.of("unterminated #if", "#ifdef X\n__global__ void k() {}\n", 1, 2, "unterminated conditional"),
            Arguments.of("#else without #if", "#else\n", 1, 2, "#else without #if"),
            Arguments.of("unknown directive", "#frobnicate\n", 1, 2, "invalid preprocessing directive #frobnicate"),
            Arguments.of("missing include", "#include \"mine.h\"\n", 1, 10, "cannot open include file 'mine.h'"),
            Arguments.of("macro arity", "#define F(a, b) a + b\n__global__ void k(int* p) { p[0] = F(1); }", 2, 36,
                    "requires 2 arguments, but 1 given"),
            Arguments.of("bad paste", "#define P(a, b) a ## b\n__global__ void k(int* p) { p[0] = P(+, /); }", 2, 36,
                    "does not give a valid preprocessing token"),
            Arguments.of("#if division by zero", "#if 1 / 0\n#endif\n", 1, 7, "division by zero"),
            // names and types
            Arguments.of("undeclared identifier", "__global__ void k(float* a) {\n  a[0] = b;\n}\n", 2, 10,
                    "use of undeclared identifier 'b'"),
            Arguments.of("unknown type", "__global__ void k(float* a) {\n  vec3 v;\n}\n", 2, 3, "unknown type name 'vec3'"),
            Arguments.of("redefinition", "__global__ void k(float* a) { int x = 1; int x = 2; a[0] = x; }", 1, 46,
                    "redefinition of 'x'"),
            Arguments.of("pointer from int", "__global__ void k(float* a) { float* p = 5; a[0] = *p; }", 1, 42,
                    "cannot convert 'int' to 'float*' without a cast"),
            Arguments.of("incompatible pointers", "__global__ void k(float* a, int* b) { a = b; }", 1, 41,
                    "cannot convert 'int*' to 'float*'"),
            Arguments.of("const violation", "__global__ void k(const float* a) { a[0] = 1.0f; }", 1, 42,
                    "const-qualified"),
            Arguments.of("discarding const", "__global__ void k(const float* a, float* b) { float* p = a; b[0] = p[0]; }",
                    1, 58, "discards the const qualifier"),
            Arguments.of("float modulo", "__global__ void k(float* a) { a[0] = a[1] % 2.0f; }", 1, 43,
                    "use fmodf for floats"),
            Arguments.of("struct member", "struct P { float x; };\n__global__ void k(P* p) { p->q = 1; }", 2, 30,
                    "no member named 'q' in 'struct P'"),
            Arguments.of("not a function", "__global__ void k(int* a) { int f = 1; a[0] = f(2); }", 1, 47,
                    "called object 'f' is not a function"),
            Arguments.of("wrong arg count", "__device__ int sq(int x) { return x * x; }\n"
                    + "__global__ void k(int* a) { a[0] = sq(1, 2); }", 2, 38, "no matching function for call to 'sq'"),
            Arguments.of("void value", "__device__ void f() {}\n__global__ void k(int* a) { a[0] = f(); }", 2, 37,
                    "void value not ignored"),
            Arguments.of("kernel returns value", "__global__ int k(int* a) { return 1; }", 1, 16,
                    "must have a void return type"),
            Arguments.of("missing return value", "__device__ int f(int x) { return; }\n__global__ void k(int* a) { a[0] = f(1); }",
                    1, 27, "should return a value"),
            Arguments.of("break outside loop", "__global__ void k(int* a) { break; }", 1, 29, "'break' statement not in loop"),
            Arguments.of("continue outside loop", "__global__ void k(int* a) { continue; }", 1, 29,
                    "'continue' statement not in loop"),
            Arguments.of("duplicate case", "__global__ void k(int* a) { switch (a[0]) { case 1: break; case 1: break; } }",
                    1, 60, "duplicate case value"),
            Arguments.of("non-constant array size", "__global__ void k(int n) { float buf[n]; buf[0] = 0; }", 1, 38,
                    "array size is not an integer constant expression"),
            Arguments.of("host function from device", "int host_only(int x) { return x; }\n"
                    + "__global__ void k(int* a) { a[0] = host_only(1); }", 2, 45, "calling a __host__ function 'host_only'"),
            Arguments.of("host variable", "int table[4];\n__global__ void k(int* a) { a[0] = table[1]; }", 2, 36,
                    "reference to host variable 'table'"),
            Arguments.of("shared initializer", "__global__ void k(int* a) { __shared__ int s = 0; a[0] = s; }", 1, 44,
                    "initializer not allowed for __shared__ variable"),
            Arguments.of("assign to threadIdx", "__global__ void k(int* a) { threadIdx.x = 0; }", 1, 39,
                    "expression is not assignable"),
            // unsupported CUDA and C++ features, named as such
            Arguments.of("printf with a format that is no literal", "__global__ void k(const char *f) { printf(f); }", 1, 43,
                    "device printf needs a string literal as its format"),
            Arguments.of("goto", "__global__ void k(int* a) { goto out; }", 1, 29,
                    "'goto out': only a jump to a label of this block or an enclosing one is supported"),
            Arguments.of("inline asm the PTX front end does not support",
                    "__global__ void k(int* a) { asm(\"cp.async.bulk.shared::cluster.global [%0], [%1], 4;\" :: \"r\"(0), \"l\"(a)); }",
                    1, 29, "inline assembly: unsupported PTX instruction 'cp.async.bulk.shared::cluster.global'"),
            Arguments.of("function pointer arithmetic", "__device__ int h(int a) { return a; }\n"
                    + "__global__ void k(int* o) { int (*p)(int) = h; p++; }", 2, 49,
                    "function pointers can only be called and compared for equality"),
            Arguments.of("function pointer of another type", "__device__ int h(int a) { return a; }\n"
                    + "__global__ void k(float* o) { float (*p)(float) = &h; }", 2, 51,
                    "cannot convert 'int (*)(int)' to 'float (*)(float)' without a cast"),
            Arguments.of("address of a kernel", "__global__ void j(int* o) { }\n"
                    + "__global__ void k(int* o) { void (*p)(int*) = j; }", 2, 47,
                    "taking the address of __global__ function 'j' is not supported"),
            Arguments.of("half precision", "__global__ void k(half* h) { }", 1, 19, "half-precision type 'half'"),
            Arguments.of("function pointer typedef of host code", "typedef void (*cb_t)(StopWatchInterface*);\n"
                    + "__device__ cb_t f;", 2, 12, "'cb_t' is a function pointer type of host code"),
            Arguments.of("slicing into a class with virtual bases", "struct A { int a; };\n"
                    + "struct B : virtual A { int b; };\nstruct C : B { int c; };\n"
                    + "__global__ void k(int *o) { C c; B b = c; o[0] = b.b; }", 4, 40,
                    "copying a 'struct C' into its base 'struct B', which has virtual base classes, is not supported"),
            Arguments.of("unbound reference member", "struct S { int &r; __device__ S() {} };\n"
                    + "__global__ void k(int *o) { S s; o[0] = s.r; }", 1, 31,
                    "reference member 'r' of 'struct S' is not bound"),
            Arguments.of("reference member bound to a temporary", "struct S { int &r; __device__ S(int a) : r(a + 1) {} };\n"
                    + "__global__ void k(int *o) { S s(o[0]); o[0] = s.r; }", 1, 42,
                    "reference member 'r' must be bound to an lvalue of type 'int'"),
            Arguments.of("reference member left out of an aggregate", "struct S { int &r; float f; };\n"
                    + "__global__ void k(int *o) { S s{}; o[0] = s.r; }", 2, 32,
                    "reference member 'r' of 'struct S' is not bound"),
            Arguments.of("virtual class as aggregate", "struct V { float x; __device__ virtual float f() { return x; } };\n"
                    + "__global__ void k(float* a) { V v = {1.0f}; a[0] = v.f(); }", 2, 37,
                    "'struct V' has virtual functions, so it is no aggregate"),
            Arguments.of("cluster of sixteen blocks", "__global__ void __cluster_dims__(4, 4, 1) k(int* a) { }", 1, 17,
                    "__cluster_dims__ of 16 blocks: a cluster holds at most 8 blocks (CUDA's portable cluster size)"),
            Arguments.of("bulk tensor copy without a tensor map", "#include <cuda/barrier>\n__global__ void k(int* a) {\n"
                    + "  cuda::device::experimental::cp_async_bulk_tensor_1d_global_to_shared(a, a, 0, a); }", 3, 71,
                    "no known conversion from 'int*' to 'const struct CUtensorMap_st*' for argument 2"),
            Arguments.of("out-of-line definition without declaration", "struct S { __device__ int f(int); };\n"
                    + "__device__ int S::f(float x) { return 1; }", 2, 16, "does not match any declaration"),
            Arguments.of("non-constant static data member", "struct S { static int n; };\nint S::n = 3;\n"
                    + "__global__ void k(int* a) { a[0] = S::n; }", 1, 23, "non-constant static data member"),
            Arguments.of("lambda capturing this", "__global__ void k(int* a) { auto f = [this](int x) { return x; }; }",
                    1, 39, "capturing 'this' in a lambda is not supported"),
            Arguments.of("new of an array with initializers", "__global__ void k(int* a) { int* p = new int[4](1); }", 1, 38,
                    "'new T[n](...)' with initializers is not supported"),
            Arguments.of("dynamic parallelism", "__global__ void child(int* a) {}\n"
                    + "__global__ void k(int* a) { child(a); }", 2, 34, "dynamic parallelism"),
            Arguments.of("removed warp op", "__global__ void k(int* a) { a[0] = __shfl(a[0], 0); }", 1, 42,
                    "was removed in CUDA 9"),
            Arguments.of("long double", "__global__ void k(long double* a) { }", 1, 24, "'long double' is not supported"),
            Arguments.of("variadic", "__device__ int f(int a, ...) { return a; }", 1, 25, "variadic functions"),
            Arguments.of("goto into a repeated range", "__global__ void k(int* a) { goto in; again: a[0]++; in: a[0]++;"
                    + " if (a[0] < 9) goto again; }", 1, 79,
                    "'goto again' jumps back over a label that an earlier goto jumps to")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void diagnosticIsPrecise(String name, String source, int line, int column, String message) {
        CompileException e = assertThrows(CompileException.class,
                () -> KernelCompiler.compile(CompileRequest.of("bad.cu", source)));
        Diagnostic d = e.first();
        assertTrue(d.message().contains(message), () -> "message of '" + name + "' was: " + d.format());
        assertEquals("bad.cu", d.file(), "file");
        assertEquals(line, d.line(), () -> "line of '" + name + "': " + d.format());
        assertEquals(column, d.column(), () -> "column of '" + name + "': " + d.format());
        String quoted = source.split("\n", -1)[line - 1];
        assertEquals(quoted, d.sourceLine(), "the diagnostic quotes the offending line");
        assertTrue(d.format().startsWith("bad.cu:" + line + ":" + column + ": error: "), d.format());
    }

    @org.junit.jupiter.api.Test
    void commandLineDefineWithInvalidNameIsRejected() {
        CompileException e = assertThrows(CompileException.class,
                () -> KernelCompiler.compile(CompileRequest.of("a.cu", "").withDefines(Map.of("1X", "2"))));
        assertTrue(e.first().message().contains("invalid macro name"), e.first().message());
    }
}
