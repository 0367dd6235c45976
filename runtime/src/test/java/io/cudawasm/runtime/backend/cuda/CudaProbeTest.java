package io.cudawasm.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without an NVIDIA driver the probe reports CUDA as unavailable, with the reason, and never throws. */
class CudaProbeTest {

    @Test
    void aMissingDriverIsAFactNotAnException() {
        CudaProbe.Result first = CudaProbe.devices();
        Assumptions.assumeFalse(first.available(), "this machine has an NVIDIA GPU: scripts/gpu-check.sh covers it");
        assertFalse(first.reason().isBlank());
        CudaProbe.Result again = CudaProbe.devices();
        assertSame(first, again, "probed once and remembered (JCuda cannot retry after a failed load)");
        assertEquals(0, again.devices().size());
    }

    @Test
    void nvrtcAbsenceIsReportedToo() {
        boolean available = PtxCompiler.nvrtcAvailable();
        String reason = PtxCompiler.nvrtcReason();
        // either the version it found, or why not (this build machine has nvcc but no libnvrtc)
        assertTrue(available ? reason.startsWith("NVRTC ") : !reason.isBlank() && !reason.startsWith("NVRTC "), reason);
        assertEquals(available, PtxCompiler.nvrtcAvailable());
    }

    @Test
    void ptxHeadersAreLoweredForOlderDrivers() {
        String ptx = "//\n.version 9.0\n.target sm_90\n";
        assertEquals("//\n.version 8.4\n.target sm_90\n", PtxVersion.lowered(ptx, PtxVersion.supportedBy(12040)));
        assertEquals(ptx, PtxVersion.lowered(ptx, PtxVersion.supportedBy(13000)));
        assertEquals(78, PtxVersion.supportedBy(11080));
    }
}
