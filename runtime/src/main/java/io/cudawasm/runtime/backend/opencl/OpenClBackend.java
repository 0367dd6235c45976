package io.cudawasm.runtime.backend.opencl;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.opencl.OpenClEmitter;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.opencl.OpenClProgram;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_program;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs kernels on one OpenCL device through JOCL: KIR is printed as OpenCL C for this device's
 * capabilities, built once per source (binaries cached on disk and in memory) and launched with
 * CUDA's grid and block as global and local work sizes.
 */
public final class OpenClBackend implements Backend, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);
    private static final int PROGRAM_CACHE_SIZE = 64;

    private final OpenClDevice device;
    private final OpenClOptions.Abi abi;
    private final ProgramCache cache;
    private final cl_context context;
    private final Map<String, BuiltProgram> programs = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BuiltProgram> eldest) {
            if (size() > PROGRAM_CACHE_SIZE) {
                CL.clReleaseProgram(eldest.getValue().handle());
                return true;
            }
            return false;
        }
    };

    /** A back end on {@code device} with the standard kernel ABI and the default binary cache. */
    public OpenClBackend(OpenClDevice device) {
        this(device, OpenClOptions.Abi.STANDARD, ProgramCache.fromSystemProperties());
    }

    /**
     * @param abi {@code TORNADOVM} lays buffers out as TornadoVM arrays (16-byte header) and launches
     *     kernels in TornadoVM's calling convention (to test that ABI without TornadoVM)
     * @param cacheDir where program binaries are kept (null: no disk cache)
     */
    public OpenClBackend(OpenClDevice device, OpenClOptions.Abi abi, Path cacheDir) {
        this(device, abi, new ProgramCache(cacheDir));
    }

    private OpenClBackend(OpenClDevice device, OpenClOptions.Abi abi, ProgramCache cache) {
        this.device = device;
        this.abi = abi;
        this.cache = cache;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, device.platform());
        this.context = CL.clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, null);
    }

    @Override
    public String name() {
        return "opencl:" + device.index() + (abi == OpenClOptions.Abi.TORNADOVM ? "/tornadovm-abi" : "");
    }

    @Override
    public String device() {
        return device.describe();
    }

    public OpenClDevice openClDevice() {
        return device;
    }

    cl_context context() {
        return context;
    }

    /** How KIR is printed for this device. */
    public OpenClOptions options() {
        return OpenClOptions.DEFAULT.withAbi(abi).withSubgroups(device.warpSubgroups())
                .withInt64Atomics(device.int64Atomics());
    }

    /** Build options: OpenCL C 1.2, and IEEE division and square root where the device offers them. */
    String buildOptions() {
        return "-cl-std=CL1.2" + (device.correctlyRoundedDivideSqrt() ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    }

    @Override
    public DeviceSession open(CompileResult compiled) {
        return new OpenClSession(this, compiled, program(compiled, options()));
    }

    /** Emits and builds a compiled source for this device (from memory, the binary cache or source). */
    public BuiltProgram program(CompileResult compiled, OpenClOptions options) {
        if (compiled.kir() == null) {
            throw new IllegalArgumentException(compiled.sourceName() + " was restored without its kernel IR; "
                    + "compile it again to run it on OpenCL");
        }
        OpenClProgram emitted = OpenClEmitter.emit(compiled.kir(), fitConstants(options, compiled));
        return build(emitted);
    }

    private OpenClOptions fitConstants(OpenClOptions options, CompileResult compiled) {
        long constants = compiled.kir().globals().stream()
                .filter(g -> g.space() == io.cudawasm.kernels.types.AddressSpace.CONSTANT).mapToLong(g -> g.size() + 16L)
                .sum();
        return constants > device.maxConstantBufferBytes() ? options.withConstantsInGlobalMemory(true) : options;
    }

    /** Builds emitted OpenCL C; a build error becomes a {@link CompileException} at the CUDA lines. */
    public synchronized BuiltProgram build(OpenClProgram emitted) {
        String options = buildOptions();
        String key = ProgramCache.key(emitted.source(), options, device);
        BuiltProgram known = programs.get(key);
        if (known != null) {
            return known.fromMemory();
        }
        long started = System.nanoTime();
        cl_program handle = null;
        String origin = "source";
        byte[] binary = cache.load(key).orElse(null);
        if (binary != null) {
            handle = fromBinary(binary, options);
            if (handle == null) {
                cache.evict(key);
            } else {
                origin = "binary cache";
            }
        }
        if (handle == null) {
            handle = fromSource(emitted, options);
            cache.store(key, binaryOf(handle));
        }
        BuiltProgram built = new BuiltProgram(emitted, handle, origin, Duration.ofNanos(System.nanoTime() - started));
        LOG.debug("OpenCL program for {} built from {} in {} ms", emitted.sourceName(), origin,
                built.buildTime().toMillis());
        programs.put(key, built);
        return built;
    }

    private cl_program fromSource(OpenClProgram emitted, String options) {
        cl_program p = CL.clCreateProgramWithSource(context, 1, new String[] {emitted.source()}, null, null);
        try {
            CL.clBuildProgram(p, 1, new cl_device_id[] {device.id()}, options, null, null);
            return p;
        } catch (CLException e) {
            String log = buildLog(p);
            CL.clReleaseProgram(p);
            if (e.getStatus() == CL.CL_BUILD_PROGRAM_FAILURE) {
                throw new CompileException(emitted.diagnostics(log));
            }
            throw e;
        }
    }

    private cl_program fromBinary(byte[] binary, String options) {
        try {
            int[] status = new int[1];
            cl_program p = CL.clCreateProgramWithBinary(context, 1, new cl_device_id[] {device.id()},
                    new long[] {binary.length}, new byte[][] {binary}, status, null);
            if (status[0] != CL.CL_SUCCESS) {
                CL.clReleaseProgram(p);
                return null;
            }
            CL.clBuildProgram(p, 1, new cl_device_id[] {device.id()}, options, null, null);
            return p;
        } catch (CLException e) {
            LOG.debug("cached OpenCL binary rejected ({}); building from source", e.getMessage());
            return null;
        }
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(p, device.id(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(p, device.id(), CL.CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return new String(b, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] binaryOf(cl_program p) {
        try {
            long[] sizes = new long[1];
            CL.clGetProgramInfo(p, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sizes), null);
            byte[] bin = new byte[(int) sizes[0]];
            CL.clGetProgramInfo(p, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(bin)), null);
            return bin;
        } catch (CLException e) {
            return new byte[0];
        }
    }

    /** Forgets the programs built in this process (the disk cache stays): the next build is from the binary cache. */
    public synchronized void clearMemoryCache() {
        for (BuiltProgram b : programs.values()) {
            CL.clReleaseProgram(b.handle());
        }
        programs.clear();
    }

    private cl_program addressProbe;

    /** The program of {@link BufferAddressProbe}, built once per context (sessions make their own kernel of it). */
    synchronized cl_program addressProbeProgram() {
        if (addressProbe == null) {
            addressProbe = BufferAddressProbe.build(context, device.id());
        }
        return addressProbe;
    }

    @Override
    public synchronized void close() {
        clearMemoryCache();
        if (addressProbe != null) {
            CL.clReleaseProgram(addressProbe);
        }
        CL.clReleaseContext(context);
    }
}
