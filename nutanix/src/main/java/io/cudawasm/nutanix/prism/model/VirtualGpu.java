package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A vGPU profile instance of a host ({@code mode} {@code VIRTUAL}), e.g. "NVIDIA A40-8C" or "GRID T4-16C".
 *
 * <p>Profile names end in {@code -<GB><series>}: Q (virtual workstation), B (virtual PC), A (virtual
 * applications) or C (compute). Only C profiles are meant for CUDA compute; {@link #computeFrameBufferGb()}
 * is present for exactly those.
 */
public record VirtualGpu(
        String uuid,
        String name,
        GpuVendor vendor,
        int deviceId,
        GpuStatus status,
        boolean assignable,
        Optional<EntityReference> consumer,
        long frameBufferMib,
        int index,
        int numVgpusAllocated,
        int fraction,
        long maxInstancesPerVm)
        implements HostGpu {

    private static final Pattern PROFILE_SUFFIX = Pattern.compile("-(\\d+)([A-Z])$");

    public VirtualGpu {
        Objects.requireNonNull(uuid, "uuid");
        name = name == null ? "" : name;
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(consumer, "consumer");
    }

    @Override
    public GpuMode mode() {
        return GpuMode.VIRTUAL;
    }

    /** The frame buffer in GB of a compute ({@code -<N>C}) profile; empty for Q/B/A profiles. */
    public OptionalInt computeFrameBufferGb() {
        Matcher m = PROFILE_SUFFIX.matcher(name.trim());
        if (m.find() && m.group(2).equals("C")) {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        return OptionalInt.empty();
    }

    public boolean isComputeProfile() {
        return computeFrameBufferGb().isPresent();
    }

    @Override
    public long memoryMib() {
        if (frameBufferMib > 0) {
            return frameBufferMib;
        }
        Matcher m = PROFILE_SUFFIX.matcher(name.trim());
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : 0;
    }

    @Override
    public String displayName() {
        return name.isBlank() ? "vGPU " + deviceId : name;
    }
}
