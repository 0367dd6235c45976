/*
 * The CPU's practical limit for the CPU-path benchmarks (bench/RESULTS.md, "CPU path against C"):
 * the same algorithms as plain C loops, built by CpuReference with gcc -O3 -march=native -fopenmp
 * (vectorised, FP contraction as gcc does it by default) and parallel over OpenMP threads.
 *
 *   saxpy N        y = 2x + y over N floats
 *   reduce N       the shared-memory tree of the reduction kernel, per block of 256 floats: one sum per block
 *   matmul N       C = A * B for N x N floats, the ikj loop order (row of C += a[i][k] * row k of B)
 *
 * Reads commands from standard input, one a line: "<kernel> <n> <threads> <reps>"; runs the kernel
 * once to warm up, then reps times, and answers with one line: "ok <ms> <ms> ... check=<v>" (the time of each
 * run). "quit" ends it. Keeping one process between commands lets a benchmark interleave these runs
 * with the Java ones it compares them with.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *alloc_floats(long n, unsigned seed) {
    float *a = aligned_alloc(64, (size_t)((n * 4 + 63) / 64 * 64));
    if (!a) {
        return NULL;
    }
    for (long i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = (float)((seed >> 8) & 0xFFFF) / 65536.0f;
    }
    return a;
}

static void saxpy(long n, const float *x, float *y) {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        y[i] = 2.0f * x[i] + y[i];
    }
}

static void reduce(long n, const float *in, float *out) {
    long blocks = n / 256;
#pragma omp parallel for schedule(static)
    for (long b = 0; b < blocks; b++) {
        float s[256];
        memcpy(s, in + b * 256, sizeof s);
        for (int st = 128; st > 0; st >>= 1) {
            for (int t = 0; t < st; t++) {
                s[t] += s[t + st];
            }
        }
        out[b] = s[0];
    }
}

static void matmul(long n, const float *a, const float *b, float *c) {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        float *ci = c + i * n;
        for (long j = 0; j < n; j++) {
            ci[j] = 0.0f;
        }
        for (long k = 0; k < n; k++) {
            float aik = a[i * n + k];
            const float *bk = b + k * n;
            for (long j = 0; j < n; j++) {
                ci[j] += aik * bk[j];
            }
        }
    }
}

int main(void) {
    char line[256];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        char kernel[32];
        long n;
        int threads, reps;
        if (strncmp(line, "quit", 4) == 0) {
            break;
        }
        if (sscanf(line, "%31s %ld %d %d", kernel, &n, &threads, &reps) != 4 || n <= 0 || threads <= 0 || reps <= 0) {
            printf("error bad command\n");
            continue;
        }
        if (strcmp(kernel, "saxpy") != 0 && strcmp(kernel, "reduce") != 0 && strcmp(kernel, "matmul") != 0) {
            printf("error unknown kernel %s\n", kernel);
            continue;
        }
        long m = strcmp(kernel, "matmul") == 0 ? n * n : n;
        float *p = alloc_floats(m, 1), *q = alloc_floats(m, 2), *r = alloc_floats(m, 3);
        if (!p || !q || !r) {
            printf("error out of memory\n");
            free(p), free(q), free(r);
            continue;
        }
        omp_set_num_threads(threads);
        printf("ok");
        for (int i = -1; i < reps; i++) {
            double start = omp_get_wtime();
            if (strcmp(kernel, "saxpy") == 0) {
                saxpy(n, p, q);
            } else if (strcmp(kernel, "reduce") == 0) {
                reduce(n, p, r);
            } else {
                matmul(n, p, q, r);
            }
            if (i >= 0) {
                printf(" %.4f", (omp_get_wtime() - start) * 1e3);
            }
        }
        printf(" check=%g\n", (double)r[1] + q[1]); /* keeps the results live */
        free(p), free(q), free(r);
    }
    return 0;
}
