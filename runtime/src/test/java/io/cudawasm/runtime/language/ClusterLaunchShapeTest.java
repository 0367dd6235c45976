package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.kir.ClusterDims;
import io.cudawasm.runtime.backend.check.ClusterCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.CudaBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import org.junit.jupiter.api.Test;

/**
 * A cluster shape given only at launch on the CUDA back end, checked without a GPU: the back end
 * compiles the kernel with {@code __cluster_dims__} of that shape (JCuda binds no
 * {@code cuLaunchKernelEx}); that C through nvcc for sm_90 declares the shape in its PTX
 * ({@code .reqnctapercluster}) and, run on the CPU path, gives the Java references.
 */
class ClusterLaunchShapeTest {
    private static final CompileResult COMPILED = AllPaths.compile(CompileRequest.of("cluster.cu", ClusterTest.SOURCE));

    @Test
    void onlyAKernelWithoutItsOwnShapeIsCompiledForTheLaunchs() {
        CudaProgram plain = COMPILED.cuda();
        CudaProgram.Kernel histogram = plain.kernel("histogram").orElseThrow();
        CudaProgram.Kernel neighbours = plain.kernel("neighbours").orElseThrow();
        assertNull(histogram.clusterDims());
        assertEquals(new ClusterDims(4, 1, 1), CudaBackend.launchOnlyShape(histogram, Dim3.of(4)).orElseThrow());
        // one block, no shape, or the kernel's own __cluster_dims__: the module as compiled runs it
        assertTrue(CudaBackend.launchOnlyShape(histogram, Dim3.of(1)).isEmpty());
        assertTrue(CudaBackend.launchOnlyShape(histogram, null).isEmpty());
        assertTrue(CudaBackend.launchOnlyShape(neighbours, new Dim3(2, 2, 1)).isEmpty());

        CudaProgram variant = COMPILED.cuda(histogram.name(), new ClusterDims(4, 1, 1));
        assertTrue(variant.source().contains("__cluster_dims__(4, 1, 1) " + histogram.name() + "("), variant.source());
        assertTrue(variant.source().contains("__cluster_dims__(2, 2, 1) " + neighbours.name() + "("), variant.source());
        assertEquals(2, variant.source().split("__cluster_dims__\\(", -1).length - 1, "no other kernel gets a shape");
        assertEquals(new ClusterDims(4, 1, 1), variant.kernel("histogram").orElseThrow().clusterDims());
        // the same module globals: CudaSession copies them into the variant's module and back
        assertEquals(plain.symbols(), variant.symbols());
        assertEquals(plain.source(), COMPILED.cuda().source(), "the plain module is unchanged");
    }

    @Test
    void aHistogramInClustersOnlyTheLaunchGivesRunsThroughTheCompiledShape() {
        int[] values = new int[6000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 7919 % 4099;
        }
        for (int blocks : new int[] {2, 8}) {
            String name = COMPILED.cuda().kernel("histogram").orElseThrow().name();
            CudaProgram variant = COMPILED.cuda(name, new ClusterDims(blocks, 1, 1));
            CompileResult viaPtx = CudaCPath.viaNvcc(variant, "histogram_" + blocks, "compute_90");
            int binsPerBlock = 32;
            int[] expected = new int[binsPerBlock * blocks];
            for (int v : values) {
                expected[v % expected.length]++;
            }
            try (KernelHarness h = KernelHarness.of(viaPtx, 2)) {
                DeviceBuffer in = h.buffer(values);
                DeviceBuffer bins = h.buffer(new int[expected.length]);
                // the launch as CudaSession makes it: the shape is now the kernel's own
                h.launch("histogram", new LaunchConfig(Dim3.of(2 * blocks), Dim3.of(64), binsPerBlock * 4),
                        LaunchOptions.DEFAULT, in, values.length, bins, binsPerBlock);
                assertArrayEquals(expected, h.ints(bins), "clusters of " + blocks);
                LaunchException e = assertThrows(LaunchException.class, () -> h.launch("histogram",
                        new LaunchConfig(Dim3.of(8), Dim3.of(64), binsPerBlock * 4, Dim3.of(blocks == 2 ? 4 : 2)),
                        LaunchOptions.DEFAULT, in, values.length, bins, binsPerBlock));
                assertTrue(e.getMessage().contains("declares clusters of " + blocks + "x1x1"), e.getMessage());
            }
        }
    }

    @Test
    void aThreeDimensionalLaunchShapeGivesEachBlockItsPlace() {
        String name = COMPILED.cuda().kernel("shape").orElseThrow().name();
        CompileResult viaPtx = CudaCPath.viaNvcc(COMPILED.cuda(name, new ClusterDims(2, 1, 2)), "shape_212", "compute_90");
        try (KernelHarness h = KernelHarness.of(viaPtx, 2)) {
            DeviceBuffer out = h.buffer(new int[16 * 12]);
            h.launch("shape", new LaunchConfig(new Dim3(4, 2, 2), Dim3.of(32), 0), LaunchOptions.DEFAULT, out);
            int[] got = h.ints(out);
            for (int z = 0; z < 2; z++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 4; x++) {
                        int b = x + 4 * (y + 2 * z);
                        int rank = x % 2 + 2 * (z % 2);
                        int[] expected = {rank, 4, 212, (x % 2) * 100 + (z % 2), (x / 2) * 100 + y * 10 + z / 2, rank, 4,
                            (rank + 1) % 4, rank * 32, 128, 64, 2};
                        assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, b * 12, b * 12 + 12), "block " + b);
                    }
                }
            }
        }
    }

    /** The GPU check's cluster cases (scripts/gpu-check.sh), through the C the CUDA back end compiles for each launch. */
    @Test
    void theGpuChecksClusterCasesGiveTheirReferencesThroughTheCudaBackEndsC() {
        for (KernelCase c : ClusterCases.all()) {
            CudaCPath.check(c);
        }
        KernelCase launchShape = ClusterCases.all().stream().filter(c -> c.name().equals("cluster_launch_shape"))
                .findFirst().orElseThrow();
        assertTrue(CudaCPath.program(launchShape).source().contains("__cluster_dims__(4, 2, 1)"));
    }
}
