package io.cudawasm.runtime.backend.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the OpenCL devices of this host, once per process: JOCL's native library fails for good
 * on first use when no OpenCL loader is installed ({@code UnsatisfiedLinkError}, then
 * {@code NoClassDefFoundError}), so the answer is remembered, and a missing loader or platform is
 * a reason to report, never an exception.
 */
public final class OpenClProbe {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClProbe.class);
    /** cl_intel_required_subgroup_size: the sub-group sizes a device supports. */
    private static final int CL_DEVICE_SUB_GROUP_SIZES_INTEL = 0x4108;

    /** The probe's answer: the devices, or why there are none. */
    public record Result(List<OpenClDevice> devices, String reason) {
        public Result {
            devices = List.copyOf(devices);
        }

        public boolean available() {
            return !devices.isEmpty();
        }
    }

    private static Result result;

    private OpenClProbe() {}

    /** The devices of this host (probed on the first call). */
    public static synchronized Result devices() {
        if (result == null) {
            result = probe();
            if (result.available()) {
                LOG.debug("OpenCL: {} device(s)", result.devices().size());
            } else {
                LOG.debug("OpenCL unavailable: {}", result.reason());
            }
        }
        return result;
    }

    private static Result probe() {
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            CL.clGetPlatformIDs(0, null, n);
            if (n[0] == 0) {
                return new Result(List.of(), "no OpenCL platform is installed (no ICD in /etc/OpenCL/vendors)");
            }
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            CL.clGetPlatformIDs(n[0], platforms, null);
            List<OpenClDevice> out = new ArrayList<>();
            for (cl_platform_id p : platforms) {
                int[] count = new int[1];
                try {
                    CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, 0, null, count);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform without devices
                }
                cl_device_id[] ids = new cl_device_id[count[0]];
                CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, count[0], ids, null);
                for (cl_device_id id : ids) {
                    out.add(describe(out.size(), p, id));
                }
            }
            return out.isEmpty() ? new Result(List.of(), "OpenCL platforms found, but no devices")
                    : new Result(out, "available");
        } catch (CLException e) {
            return new Result(List.of(), e.getStatus() == CL.CL_PLATFORM_NOT_FOUND_KHR
                    ? "no OpenCL platform is installed (CL_PLATFORM_NOT_FOUND_KHR)" : "OpenCL error: " + e.getMessage());
        } catch (LinkageError e) {
            LOG.debug("OpenCL library not loadable: {}", e.toString());
            return new Result(List.of(), "no OpenCL library: libOpenCL.so.1 (an ICD loader such as ocl-icd) is not "
                    + "installed");
        }
    }

    private static OpenClDevice describe(int index, cl_platform_id p, cl_device_id id) {
        long type = deviceLong(id, CL.CL_DEVICE_TYPE);
        String typeName = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? "GPU" : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR" : "OTHER";
        Set<String> ext = new HashSet<>(Arrays.asList(deviceString(id, CL.CL_DEVICE_EXTENSIONS).trim().split("\\s+")));
        long fpConfig = deviceLong(id, CL.CL_DEVICE_SINGLE_FP_CONFIG);
        int subgroup = 0;
        if (ext.contains("cl_intel_required_subgroup_size")) {
            for (long s : deviceSizes(id, CL_DEVICE_SUB_GROUP_SIZES_INTEL)) {
                if (s == 32) {
                    subgroup = 32;
                }
            }
        }
        return new OpenClDevice(index, p, id, platformString(p, CL.CL_PLATFORM_NAME),
                platformString(p, CL.CL_PLATFORM_VERSION), deviceString(id, CL.CL_DEVICE_VENDOR),
                deviceString(id, CL.CL_DEVICE_NAME), typeName, deviceString(id, CL.CL_DRIVER_VERSION),
                deviceString(id, CL.CL_DEVICE_OPENCL_C_VERSION), deviceInt(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(id, CL.CL_DEVICE_LOCAL_MEM_SIZE),
                deviceLong(id, CL.CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE), deviceInt(id, CL.CL_DEVICE_MAX_CONSTANT_ARGS),
                deviceSize(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE), deviceInt(id, CL.CL_DEVICE_MEM_BASE_ADDR_ALIGN) / 8,
                ext, (fpConfig & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0, subgroup);
    }

    static String deviceString(cl_device_id id, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(id, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetDeviceInfo(id, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    private static String cString(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private static long deviceLong(cl_device_id id, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(id, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static int deviceInt(cl_device_id id, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(id, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id id, int param) {
        long[] sizes = deviceSizes(id, param);
        return sizes.length == 0 ? 0 : sizes[0];
    }

    private static long[] deviceSizes(cl_device_id id, int param) {
        try {
            long[] size = new long[1];
            CL.clGetDeviceInfo(id, param, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            CL.clGetDeviceInfo(id, param, b.length, Pointer.to(b), null);
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
            long[] out = new long[b.length / Sizeof.size_t];
            for (int i = 0; i < out.length; i++) {
                out[i] = Sizeof.size_t == 8 ? bb.getLong() : bb.getInt() & 0xFFFF_FFFFL;
            }
            return out;
        } catch (CLException e) {
            return new long[0];
        }
    }
}
