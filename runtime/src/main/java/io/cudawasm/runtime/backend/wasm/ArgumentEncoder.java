package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.function.ToLongFunction;

/** Writes launch arguments into a parameter block as CUDA lays it out. */
public final class ArgumentEncoder {
    private ArgumentEncoder() {}

    /**
     * @param address maps a buffer to the address the kernel sees (validating it belongs to the session)
     */
    public static void encode(ByteBuffer b, int at, ParamInfo p, KernelArg arg, String kernel,
            ToLongFunction<DeviceBuffer> address) {
        switch (p.kind()) {
            case POINTER -> {
                if (arg instanceof KernelArg.Buffer buf) {
                    if (buf.offset() < 0 || buf.offset() > buf.buffer().size()) {
                        throw invalid(kernel, p, "offset " + buf.offset() + " is outside the buffer");
                    }
                    long a;
                    try {
                        a = address.applyAsLong(buf.buffer());
                    } catch (IllegalArgumentException e) {
                        throw invalid(kernel, p, e.getMessage());
                    }
                    b.putLong(at, a + buf.offset());
                } else if (arg instanceof KernelArg.Scalar s && s.value().longValue() == 0
                        && s.value().doubleValue() == 0.0) {
                    b.putLong(at, 0L);
                } else {
                    throw invalid(kernel, p, "is a pointer (" + p.type() + "): pass a buffer");
                }
            }
            case SCALAR -> {
                if (!(arg instanceof KernelArg.Scalar s)) {
                    throw invalid(kernel, p, "is a " + p.type() + ": pass a number");
                }
                putScalar(b, at, p, s.value(), kernel);
            }
            case STRUCT -> {
                if (arg instanceof KernelArg.TensorMap map) {
                    b.put(at, tensorMap(p, map, kernel, address));
                    return;
                }
                if (!(arg instanceof KernelArg.Bytes bytes) || bytes.value().length != p.size()) {
                    throw invalid(kernel, p, "is a struct of " + p.size() + " bytes: pass exactly that many bytes");
                }
                b.put(at, bytes.value());
            }
        }
    }

    /** A tensor map's bytes, once its buffer's address is known ({@link io.cudawasm.kernels.abi.TensorMapAbi}). */
    private static byte[] tensorMap(ParamInfo p, KernelArg.TensorMap map, String kernel,
            ToLongFunction<DeviceBuffer> address) {
        if (p.size() != io.cudawasm.kernels.abi.TensorMapAbi.BYTES) {
            throw invalid(kernel, p, "is a struct of " + p.size() + " bytes, not a CUtensorMap ("
                    + io.cudawasm.kernels.abi.TensorMapAbi.BYTES + " bytes): a tensor map cannot be passed for it");
        }
        long base;
        try {
            map.spec().checkFits(map.buffer().size(), map.offset());
            base = address.applyAsLong(map.buffer());
        } catch (IllegalArgumentException e) {
            throw invalid(kernel, p, e.getMessage());
        }
        return map.spec().encode(base + map.offset());
    }

    private static void putScalar(ByteBuffer b, int at, ParamInfo p, Number n, String kernel) {
        switch (p.scalar()) {
            case FLOAT -> b.putFloat(at, n.floatValue());
            case DOUBLE -> b.putDouble(at, n.doubleValue());
            default -> {
                long v = integral(n, p, kernel);
                switch (p.size()) {
                    case 1 -> b.put(at, (byte) (p.scalar() == io.cudawasm.kernels.types.ScalarKind.BOOL ? (v != 0 ? 1 : 0) : v));
                    case 2 -> b.putShort(at, (short) v);
                    case 4 -> b.putInt(at, (int) v);
                    default -> b.putLong(at, v);
                }
            }
        }
    }

    private static long integral(Number n, ParamInfo p, String kernel) {
        if (n instanceof Double || n instanceof Float || n instanceof BigDecimal) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw invalid(kernel, p, "is an integer (" + p.type() + "), got " + n);
            }
            return (long) d;
        }
        if (n instanceof BigInteger big) {
            return big.longValue();
        }
        return n.longValue();
    }

    private static LaunchException invalid(String kernel, ParamInfo p, String message) {
        return new LaunchException(LaunchFailure.INVALID_LAUNCH, kernel, "argument '" + p.name() + "' of kernel '"
                + kernel + "' " + message);
    }
}
