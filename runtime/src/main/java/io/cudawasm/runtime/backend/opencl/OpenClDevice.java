package io.cudawasm.runtime.backend.opencl;

import java.util.Locale;
import java.util.Set;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as the probe found it: what it is and what it can do.
 *
 * @param index the device's number across all platforms ({@code opencl:N})
 * @param type {@code GPU}, {@code CPU}, {@code ACCELERATOR} or {@code OTHER}
 * @param openClCVersion e.g. {@code OpenCL C 1.2 PoCL}
 * @param correctlyRoundedDivideSqrt single-precision / and sqrt can be made IEEE-exact
 */
public record OpenClDevice(int index, cl_platform_id platform, cl_device_id id, String platformName,
        String platformVersion, String vendor, String name, String type, String driverVersion, String openClCVersion,
        int computeUnits, long globalMemoryBytes, long localMemoryBytes, long maxConstantBufferBytes, int maxConstantArgs,
        long maxWorkGroupSize, int baseAddressAlignBytes, Set<String> extensions, boolean correctlyRoundedDivideSqrt,
        int subgroupSize) {

    public OpenClDevice {
        extensions = Set.copyOf(extensions);
    }

    public boolean has(String extension) {
        return extensions.contains(extension);
    }

    public boolean isGpu() {
        return type.equals("GPU");
    }

    /** Double precision. */
    public boolean fp64() {
        return has("cl_khr_fp64");
    }

    public boolean int64Atomics() {
        return has("cl_khr_int64_base_atomics") && has("cl_khr_int64_extended_atomics");
    }

    /** Sub-groups of 32 with shuffles and ballots: warp operations run natively. */
    public boolean warpSubgroups() {
        return subgroupSize == 32 && has("cl_khr_subgroups") && has("cl_khr_subgroup_shuffle")
                && has("cl_khr_subgroup_shuffle_relative") && has("cl_khr_subgroup_ballot");
    }

    /** Platform 2.0 or later: queues come from clCreateCommandQueueWithProperties. */
    public boolean platformAtLeast20() {
        String v = platformVersion.replaceFirst("^OpenCL\\s+", "");
        try {
            return Integer.parseInt(v.substring(0, v.indexOf('.'))) >= 2;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** One line for logs and {@code cuda-wasm devices}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s %s (%s, %s; %d compute units, %d MiB global, %d KiB local memory%s)",
                type, name.strip(), vendor.strip(), platformName.strip(), computeUnits, globalMemoryBytes >> 20,
                localMemoryBytes >> 10, fp64() ? ", fp64" : "");
    }
}
