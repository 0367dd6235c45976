package io.cudawasm.runtime.backend.cuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the NVIDIA GPUs of this host, once per process. Without a driver, JCuda's first call
 * throws {@code UnsatisfiedLinkError} (libcuda.so.1 missing) and every later one
 * {@code NoClassDefFoundError}; both become a reason to report, never an exception.
 */
public final class CudaProbe {
    private static final Logger LOG = LoggerFactory.getLogger(CudaProbe.class);

    /** The probe's answer: the devices, or why there are none. */
    public record Result(List<CudaDevice> devices, String reason) {
        public Result {
            devices = List.copyOf(devices);
        }

        public boolean available() {
            return !devices.isEmpty();
        }
    }

    private static Result result;

    private CudaProbe() {}

    public static synchronized Result devices() {
        if (result == null) {
            result = probe();
            LOG.debug("CUDA: {}", result.available() ? result.devices().size() + " device(s)" : result.reason());
        }
        return result;
    }

    private static Result probe() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc != CUresult.CUDA_SUCCESS) {
                return new Result(List.of(), "cuInit failed: " + CUresult.stringFor(rc));
            }
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            int[] driver = new int[1];
            JCudaDriver.cuDriverGetVersion(driver);
            List<CudaDevice> out = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                CUdevice d = new CUdevice();
                JCudaDriver.cuDeviceGet(d, i);
                byte[] name = new byte[256];
                JCudaDriver.cuDeviceGetName(name, name.length, d);
                long[] mem = new long[1];
                JCudaDriver.cuDeviceTotalMem(mem, d);
                out.add(new CudaDevice(i, cString(name), attribute(d,
                        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR), attribute(d,
                        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), mem[0], attribute(d,
                        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), driver[0]));
            }
            return out.isEmpty() ? new Result(List.of(), "the CUDA driver reports no devices")
                    : new Result(out, "available");
        } catch (LinkageError e) {
            String m = String.valueOf(e.getMessage());
            // user-facing text: what is missing, never the Java error's class name
            String why = m.contains("libcuda") ? "libcuda.so.1 is not installed" : "the CUDA driver library cannot be loaded";
            LOG.debug("CUDA driver not loadable: {}", e.toString());
            return new Result(List.of(), "no CUDA driver: " + why);
        }
    }

    private static int attribute(CUdevice d, int attribute) {
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, attribute, d);
        return v[0];
    }

    static String cString(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
