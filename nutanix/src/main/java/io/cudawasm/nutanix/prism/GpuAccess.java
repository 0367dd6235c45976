package io.cudawasm.nutanix.prism;

/** Which kinds of GPU entry a workload may use. */
public enum GpuAccess {
    /** Whole physical GPUs only (PASSTHROUGH_COMPUTE or PASSTHROUGH_GRAPHICS). */
    PASSTHROUGH_ONLY,
    /** Whole physical GPUs, and vGPU compute profiles ({@code -<N>C}); Q/B/A profiles are never used. */
    VGPU_ALLOWED
}
