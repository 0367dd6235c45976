package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Host code in a CUDA source is skipped without type-checking it (issue 18, item 8), as nvcc's
 * device pass does: functions whose signatures name types only a host header declares, variables
 * of such types, host templates and classes. The kernels of the same file still run on every path.
 */
class HostCodeTest {

    @Test
    void hostFunctionsAndVariablesWithUnknownTypesAreSkipped() {
        String src = """
                #include <cuda_runtime.h>
                StopWatchInterface *timer = NULL;
                static cudaEvent_t start, stop;
                void timeIt(StopWatchInterface *t) { sdkStartTimer(&t); launch<<<1, 1>>>(); }
                StopWatchInterface *makeTimer(const char *name, Options opts = Options()) {
                    return new StopWatchInterface(name, [&](int x) { return x + opts.base; });
                }
                template <class T> void runTest(int argc, char **argv, thrust::device_vector<T> &v) {
                    std::vector<T> h(v.size());
                    auto f = [](T a, T b) { return a < b; };
                }
                inline bool operator<(const Options &a, const Options &b) { return a.base < b.base; }
                double Timer::elapsed() const { return std::chrono::duration<double>(end - begin).count(); }
                __global__ void scale(float *a, float s) { a[threadIdx.x] *= s; }
                int main(int argc, char **argv) {
                    float *d; cudaMalloc(&d, 16); scale<<<1, 4>>>(d, 2.0f);
                    return 0;
                }
                """;
        // nvcc would need the host headers; the device code is all the other paths see
        AllPaths.check(CaseBuilder.of("host_code_skipped", "host.cu", src).kernel("scale").launch(Dim3.of(1), Dim3.of(4))
                .out("a", new float[] {1, 2, 3, 4}, new float[] {2, 4, 6, 8}).scalar(2.0f).build(),
                EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
    }

    @Test
    void aHostVariableUsedInDeviceCodeIsNamed() {
        AllPaths.refuses("""
                StopWatchInterface *timer = NULL;
                __global__ void k(int *a) { a[0] = (int)(long)timer; }
                """, "reference to host variable 'timer' in device code");
    }
}
