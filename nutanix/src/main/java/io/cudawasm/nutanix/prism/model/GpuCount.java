package io.cudawasm.nutanix.prism.model;

/** How many GPUs there are and how many of them are free. */
public record GpuCount(int total, int available) {
    public static final GpuCount ZERO = new GpuCount(0, 0);

    public GpuCount {
        if (total < 0 || available < 0 || available > total) {
            throw new IllegalArgumentException("invalid GPU count " + available + "/" + total);
        }
    }

    public int inUse() {
        return total - available;
    }

    public GpuCount plus(HostGpu gpu) {
        return new GpuCount(total + 1, available + (gpu.isAvailable() ? 1 : 0));
    }
}
