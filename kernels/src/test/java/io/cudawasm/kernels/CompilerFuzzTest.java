package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Thousands of randomly mutated kernel sources: each must yield a module or diagnostics with a
 * position — never an exception escaping the compiler and never an internal compiler error.
 */
class CompilerFuzzTest {
    private static final String[] TOKENS = {
        "(", ")", "{", "}", "[", "]", ";", ",", "*", "&", "+", "-", "/", "%", "<<", ">>", "<", ">", "==", "!=", "=",
        "+=", "++", "--", "?", ":", "::", ".", "->", "#", "##", "\"s\"", "'c'", "0", "1", "0x7fffffff", "1e400",
        "3.5f", "int", "float", "double", "char", "unsigned", "long", "void", "struct", "typedef", "const", "if",
        "else", "for", "while", "do", "switch", "case", "default", "break", "continue", "return", "sizeof",
        "__global__", "__device__", "__shared__", "__syncthreads()", "threadIdx.x", "blockIdx.y", "atomicAdd",
        "sqrtf", "template", "<typename T>", "#define X(a) a##a\n", "#if 1\n", "#endif\n", "#include <x.h>\n",
        "\n", "\\\n", "/*", "*/", "//", "extern \"C\"", "__launch_bounds__(64)", "x", "y", "a", "i", "n"
    };

    private static List<String> seeds() {
        List<String> s = new ArrayList<>();
        for (String name : KernelLibrary.names()) {
            s.add(KernelLibrary.source(name).orElseThrow());
        }
        s.add("""
                #define N 16
                struct S { int a; float b[4]; };
                __device__ int f(int x, int& y) { y += x; return x * 2; }
                template <typename T> __device__ T twice(T v) { return v + v; }
                __global__ void k(S* s, int* out, unsigned u) {
                    int acc = 0, t = 0;
                    for (int i = 0; i < N; ++i) { if (i % 3) continue; acc += f(i, t); }
                    switch (u & 3) { case 0: acc++; case 1: break; default: acc--; }
                    out[threadIdx.x] = acc + t + twice(s->a) + (int)s[1].b[2] + (u > 5 ? 1 : 2);
                }
                """);
        return s;
    }

    private static String mutate(String src, SplittableRandom r) {
        StringBuilder sb = new StringBuilder(src);
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && sb.length() > 0; e++) {
            int at = r.nextInt(sb.length());
            switch (r.nextInt(6)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                case 2 -> sb.insert(at, " " + TOKENS[r.nextInt(TOKENS.length)] + " ");
                case 3 -> {
                    int len = Math.min(sb.length() - at, 1 + r.nextInt(20));
                    sb.delete(at, at + len);
                }
                case 4 -> {
                    int len = Math.min(sb.length() - at, 1 + r.nextInt(30));
                    String piece = sb.substring(at, at + len);
                    sb.insert(r.nextInt(sb.length()), piece);
                }
                default -> sb.setCharAt(at, (char) (32 + r.nextInt(95)));
            }
        }
        return sb.toString();
    }

    @Test
    void mutatedSourcesNeverCrashTheCompiler() {
        List<String> seeds = seeds();
        SplittableRandom r = new SplittableRandom(20261129);
        int compiled = 0;
        int rejected = 0;
        List<String> crashes = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String src = mutate(seeds.get(i % seeds.size()), r);
            try {
                KernelCompiler.compile(CompileRequest.of("fuzz.cu", src));
                compiled++;
            } catch (CompileException e) {
                rejected++;
                Diagnostic d = e.first();
                if (d.message().startsWith("internal compiler error")) {
                    crashes.add(d.message() + "\n---\n" + src);
                } else {
                    assertTrue(d.file().equals("fuzz.cu") || d.file().startsWith("<"), "diagnostics name the file: " + d);
                    assertTrue(d.line() >= 1 && d.column() >= 1, "diagnostics have a position: " + d);
                }
            } catch (Throwable t) {
                crashes.add(t + "\n---\n" + src);
            }
        }
        assertTrue(crashes.isEmpty(), crashes.size() + " crashes; first:\n" + (crashes.isEmpty() ? "" : crashes.get(0)));
        assertTrue(compiled > 100 && rejected > 1000, "the mutations exercise both outcomes: compiled=" + compiled
                + " rejected=" + rejected);
    }
}
