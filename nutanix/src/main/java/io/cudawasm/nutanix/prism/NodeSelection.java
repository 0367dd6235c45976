package io.cudawasm.nutanix.prism;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link NutanixClient#findBestNodes} asks of a node besides vendor and GPU count.
 *
 * @param requireArm       only hosts whose CPU architecture is AArch64
 * @param access           passthrough GPUs only, or vGPU compute profiles too
 * @param minGpuMemoryMib  a GPU counts only when its frame buffer is at least this big (0: any)
 * @param clusterUuid      only hosts of this Prism Element cluster
 */
public record NodeSelection(boolean requireArm, GpuAccess access, long minGpuMemoryMib, Optional<String> clusterUuid) {

    /** Any architecture, passthrough only, any memory, any cluster. */
    public static final NodeSelection DEFAULT = new NodeSelection(false, GpuAccess.PASSTHROUGH_ONLY, 0, Optional.empty());

    public NodeSelection {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(clusterUuid, "clusterUuid");
        if (minGpuMemoryMib < 0) {
            throw new IllegalArgumentException("minGpuMemoryMib cannot be negative");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link NodeSelection} starting from {@link #DEFAULT}. */
    public static final class Builder {
        private boolean requireArm;
        private GpuAccess access = GpuAccess.PASSTHROUGH_ONLY;
        private long minGpuMemoryMib;
        private String clusterUuid;

        private Builder() {}

        public Builder requireArm(boolean requireArm) {
            this.requireArm = requireArm;
            return this;
        }

        public Builder access(GpuAccess access) {
            this.access = access;
            return this;
        }

        public Builder allowVgpu(boolean allow) {
            return access(allow ? GpuAccess.VGPU_ALLOWED : GpuAccess.PASSTHROUGH_ONLY);
        }

        public Builder minGpuMemoryMib(long minGpuMemoryMib) {
            this.minGpuMemoryMib = minGpuMemoryMib;
            return this;
        }

        public Builder cluster(String clusterUuid) {
            this.clusterUuid = clusterUuid;
            return this;
        }

        public NodeSelection build() {
            return new NodeSelection(requireArm, access, minGpuMemoryMib, Optional.ofNullable(clusterUuid));
        }
    }
}
