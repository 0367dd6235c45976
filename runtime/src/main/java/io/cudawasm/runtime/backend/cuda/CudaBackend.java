package io.cudawasm.runtime.backend.cuda;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Runs kernels on one NVIDIA GPU through the JCuda driver API: KIR printed as CUDA C++, compiled
 * to PTX ({@link PtxCompiler}), loaded as a module per session and launched with CUDA's own grid,
 * block and dynamic shared memory.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final CudaDevice device;
    private final PtxCompiler compiler;
    private final CUdevice handle = new CUdevice();
    private final CUcontext context = new CUcontext();
    private volatile Boolean cooperativeLaunch;

    public CudaBackend(CudaDevice device) {
        this(device, PtxCompiler.fromSystemProperties());
    }

    public CudaBackend(CudaDevice device, PtxCompiler compiler) {
        this.device = device;
        this.compiler = compiler;
        check(JCudaDriver.cuDeviceGet(handle, device.index()), "cuDeviceGet");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, handle), "cuDevicePrimaryCtxRetain");
    }

    static void check(int rc, String what) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException(what + " failed: " + CUresult.stringFor(rc));
        }
    }

    @Override
    public String name() {
        return "cuda:" + device.index();
    }

    @Override
    public String device() {
        return device.describe();
    }

    public CudaDevice cudaDevice() {
        return device;
    }

    CUcontext context() {
        return context;
    }

    /** Whether the device takes cuLaunchCooperativeKernel (every GPU since sm_60), asked once. */
    boolean cooperativeLaunch() {
        if (cooperativeLaunch == null) {
            int[] supported = new int[1];
            check(JCudaDriver.cuDeviceGetAttribute(supported,
                    jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH, handle), "cuDeviceGetAttribute");
            cooperativeLaunch = supported[0] != 0;
        }
        return cooperativeLaunch;
    }

    /** The architecture PTX is generated for ({@code -Dcudawasm.cuda.arch} overrides the device's). */
    String arch() {
        return System.getProperty("cudawasm.cuda.arch", device.computeArch());
    }

    @Override
    public DeviceSession open(CompileResult compiled) {
        if (compiled.kir() == null) {
            throw new IllegalArgumentException(compiled.sourceName() + " was restored without its kernel IR; "
                    + "compile it again to run it on CUDA");
        }
        CudaProgram program = compiled.cuda();
        return new CudaSession(this, compiled, program, ptx(program));
    }

    /**
     * The cluster shape kernel {@code k} is compiled for ({@code __cluster_dims__}) to run a launch in
     * clusters of {@code cluster} that the kernel does not declare: a shape given only at launch is a
     * launch attribute of {@code cuLaunchKernelEx}, which JCuda 12.6 does not bind. Empty when the
     * module as compiled runs the launch.
     */
    public static java.util.Optional<io.cudawasm.kernels.kir.ClusterDims> launchOnlyShape(CudaProgram.Kernel k,
            io.cudawasm.runtime.launch.Dim3 cluster) {
        return k.clusterDims() == null && cluster != null && cluster.total() > 1
                ? java.util.Optional.of(new io.cudawasm.kernels.kir.ClusterDims(cluster.x(), cluster.y(), cluster.z()))
                : java.util.Optional.empty();
    }

    /** The program's PTX for this device (from the disk cache when it was compiled before). */
    String ptx(CudaProgram program) {
        return compiler.compile(program, arch());
    }

    @Override
    public void close() {
        JCudaDriver.cuDevicePrimaryCtxRelease(handle);
    }
}
