package io.cudawasm.runtime.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * Finds the device address a kernel sees for an OpenCL buffer, which OpenCL 1.2 does not tell the
 * host: a one-work-item kernel writes its pointer argument out as an integer. Dynamic parallelism
 * needs it to turn the pointers a grid recorded for its child grids back into buffers and offsets.
 * Buffers do not move on a CPU device (PoCL); the address is probed once per buffer.
 */
final class BufferAddressProbe implements AutoCloseable {
    private static final String SOURCE = """
            __kernel void cw_address_of(__global uchar* p, __global ulong* out) { out[0] = (ulong)p; }
            """;

    private final cl_command_queue queue;
    private final cl_kernel kernel;
    private final cl_mem out;

    /** The probe's program, for one device of a context. */
    static cl_program build(cl_context context, cl_device_id device) {
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {SOURCE}, null, null);
        CL.clBuildProgram(program, 1, new cl_device_id[] {device}, null, null, null);
        return program;
    }

    BufferAddressProbe(cl_context context, cl_program program, cl_command_queue queue) {
        this.queue = queue;
        this.kernel = CL.clCreateKernel(program, "cw_address_of", null);
        this.out = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, Sizeof.cl_ulong, null, null);
    }

    long addressOf(cl_mem buffer) {
        CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(buffer));
        CL.clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(out));
        CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {1}, new long[] {1}, 0, null, null);
        long[] value = new long[1];
        CL.clEnqueueReadBuffer(queue, out, CL.CL_TRUE, 0, Sizeof.cl_ulong, Pointer.to(value), 0, null, null);
        return value[0];
    }

    @Override
    public void close() {
        CL.clReleaseMemObject(out);
        CL.clReleaseKernel(kernel);
    }
}
