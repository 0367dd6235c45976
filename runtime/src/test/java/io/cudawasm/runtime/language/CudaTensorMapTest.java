package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.check.TensorCopyCases;
import io.cudawasm.runtime.backend.gpu.ScalarBytes;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.TensorMapSpec;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Tensor maps on the CUDA back end, checked without a GPU. Its C does the bulk tensor copies in
 * software over the project's map (abi/TensorMapAbi), for modules from CUDA source and from PTX alike,
 * so CudaSession makes the map with the buffer's device address ({@link ScalarBytes#of(ParamInfo,
 * KernelArg, String, java.util.function.ToLongFunction)}, given {@code cuPointerGetAttribute}'s
 * address): here that encoder with a made-up address, and maps it made run through the back end's C
 * (nvcc, sm_90) on the CPU path against the Java references.
 */
class CudaTensorMapTest {
    private static final TensorMapSpec MAP = new TensorMapSpec(4, new long[] {40, 27}, new long[] {192}, new int[] {16, 8});

    private static KernelCase load() {
        return TensorCopyCases.all().get(0);
    }

    private static ParamInfo mapParam(CompileResult compiled, String kernel) {
        return compiled.kernels().stream().filter(k -> k.sourceName().equals(kernel)).findFirst().orElseThrow().params()
                .get(0);
    }

    @Test
    void theMapHoldsTheBuffersDeviceAddressPlusTheOffset() {
        ParamInfo p = mapParam(load().compile(), "tma_tiles");
        DeviceBuffer buffer = new DeviceBuffer(3, 0, 192L * 27 + 64);
        long device = 0x7f3a_0020_0000L;
        byte[] bytes = ScalarBytes.of(p, new KernelArg.TensorMap(buffer, 64, MAP), "tma_tiles", b -> device);
        assertEquals(TensorMapAbi.BYTES, bytes.length);
        assertArrayEquals(MAP.encode(device + 64), bytes);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(device + 64, b.getLong(TensorMapAbi.ADDRESS));
        assertEquals(TensorMapAbi.MAGIC, b.getInt(TensorMapAbi.MAGIC_AT));
        assertEquals(2, b.getInt(TensorMapAbi.RANK));
        assertEquals(40, b.getInt(TensorMapAbi.DIMS));
        assertEquals(192, b.getLong(TensorMapAbi.STRIDES + 8));
        assertEquals(8, b.getInt(TensorMapAbi.BOX + 4));
    }

    @Test
    void aMapThatLeavesItsBufferOrIsMisalignedOrNotTheSessionsIsRefusedNamingTheArgument() {
        ParamInfo p = mapParam(load().compile(), "tma_tiles");
        DeviceBuffer small = new DeviceBuffer(3, 0, 192L * 26);
        LaunchException e = assertThrows(LaunchException.class, () -> ScalarBytes.of(p,
                new KernelArg.TensorMap(small, 0, MAP), "tma_tiles", b -> 0x1000L));
        assertTrue(e.getMessage().contains("argument 'map' of kernel 'tma_tiles'"), e.getMessage());
        assertTrue(e.getMessage().contains("go past the buffer's end"), e.getMessage());
        DeviceBuffer big = new DeviceBuffer(3, 0, 1 << 16);
        e = assertThrows(LaunchException.class, () -> ScalarBytes.of(p, new KernelArg.TensorMap(big, 8, MAP),
                "tma_tiles", b -> 0x1000L));
        assertTrue(e.getMessage().contains("must be a multiple of 16 bytes"), e.getMessage());
        e = assertThrows(LaunchException.class, () -> ScalarBytes.of(p, new KernelArg.TensorMap(big, 0, MAP),
                "tma_tiles", b -> {
                    throw new IllegalArgumentException("is a buffer of another session");
                }));
        assertTrue(e.getMessage().contains("argument 'map' of kernel 'tma_tiles' is a buffer of another session"),
                e.getMessage());
        // OpenCL's encoder still refuses a map by name
        e = assertThrows(LaunchException.class, () -> ScalarBytes.of(p, new KernelArg.TensorMap(big, 0, MAP),
                "tma_tiles"));
        assertTrue(e.getMessage().contains("OpenCL has no bulk tensor copies"), e.getMessage());
    }

    /** The back end's C of a source module: the copy is the header's C, no PTX tensor instruction. */
    @Test
    void aMapMadeAsCudaSessionMakesItRunsTheBackEndsCOnTheCpuPath() {
        KernelCase c = load();
        CudaProgram program = CudaCPath.program(c);
        assertTrue(program.source().contains("cw_tensor_copy"), program.source());
        assertFalse(program.source().contains("cp.async.bulk"), "no inline PTX tensor copy");
        CompileResult viaPtx = CudaCPath.viaNvcc(program, "tma_tiles", "compute_90");
        float[] tensor = new float[48 * 27];
        for (int i = 0; i < tensor.length; i++) {
            tensor[i] = (i * 37 % 101) - 50.5f;
        }
        try (KernelHarness h = KernelHarness.of(viaPtx, 2)) {
            // the tensor 64 bytes into its buffer, the map made by the CUDA back end's encoder with the buffer's address
            float[] padded = new float[16 + tensor.length];
            System.arraycopy(tensor, 0, padded, 16, tensor.length);
            DeviceBuffer t = h.buffer(padded);
            DeviceBuffer out = h.buffer(new float[4 * 5 * 128]);
            byte[] map = ScalarBytes.of(mapParam(viaPtx, "tma_tiles"), new KernelArg.TensorMap(t, 64, MAP), "tma_tiles",
                    DeviceBuffer::address);
            h.launch("tma_tiles", new LaunchConfig(new Dim3(4, 5, 1), Dim3.of(128), 0), LaunchOptions.DEFAULT,
                    new KernelArg.Bytes(map), out, -8, -5);
            float[] got = h.floats(out);
            for (int by = 0; by < 5; by++) {
                for (int bx = 0; bx < 4; bx++) {
                    for (int i = 0; i < 128; i++) {
                        int x = -8 + bx * 16 + i % 16;
                        int y = -5 + by * 8 + i / 16;
                        float v = x < 0 || y < 0 || x >= 40 || y >= 27 ? 0.0f : tensor[y * 48 + x];
                        assertEquals(v * 2.0f, got[(by * 4 + bx) * 128 + i], 0.0f, "block " + bx + "," + by + " " + i);
                    }
                }
            }
        }
    }

    /**
     * A module from nvcc's PTX ({@code cp.async.bulk.tensor}) is lowered to the same software copy, so
     * the back end's C for it holds no tensor instruction either, and takes the same map.
     */
    @Test
    void aModuleFromPtxGetsTheSameSoftwareCopy() {
        for (KernelCase c : TensorCopyCases.all()) {
            String ptx = Nvcc.ptx(c.request().source(), new Nvcc.Config("compute_90", false), java.util.List.of());
            assertTrue(ptx.contains("cp.async.bulk.tensor"), c.name());
            CudaProgram program = AllPaths.compile(CompileRequest.of(c.name() + ".ptx", ptx)).cuda();
            assertFalse(program.source().contains("cp.async.bulk"), c.name());
            assertTrue(program.source().contains("cw_ptx_tensor_copy"), c.name());
            CompileResult viaPtx = CudaCPath.viaNvcc(program, c.name() + "_from_ptx", "compute_90");
            io.cudawasm.runtime.backend.check.CheckedRun.BackendRun r = io.cudawasm.runtime.backend.check.CheckedRun.run(
                    KernelHarness.backend(2), viaPtx, c.launch());
            assertTrue(r.failure() == null, () -> r.failure().getMessage());
            assertTrue(c.againstReference(r).stream().allMatch(io.cudawasm.runtime.backend.check.BufferComparison::passed),
                    () -> c.againstReference(r).toString());
        }
    }

    /** The GPU check's tensor-copy cases: on the CPU path from source and nvcc's PTX, and through the back end's C. */
    @Test
    void theGpuChecksTensorCopyCasesGiveTheirReferences() {
        for (KernelCase c : TensorCopyCases.all()) {
            AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "", new Nvcc.Config("compute_90", false));
            CudaCPath.check(c);
            // the software copy needs no sm_90: GPUs before Hopper run it too (gpu-check --prepare compiles it for them)
            CudaCPath.viaNvcc(CudaCPath.program(c), c.name(), "compute_75");
        }
    }
}
