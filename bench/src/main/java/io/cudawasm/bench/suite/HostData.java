package io.cudawasm.bench.suite;

import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Deterministic input arrays and their little-endian bytes (the device byte order of every back end),
 * for the suite and the JMH benchmarks.
 */
public final class HostData {
    private HostData() {}

    public static float[] floats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    public static double[] doubles(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble(-1, 1);
        }
        return a;
    }

    public static byte[] bytes(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }

    public static byte[] bytes(double[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(a);
        return b.array();
    }

    /** A new buffer in the session holding {@code a}. */
    public static DeviceBuffer upload(DeviceSession session, float[] a) {
        DeviceBuffer b = session.allocate(4L * a.length);
        session.write(b, 0, bytes(a));
        return b;
    }
}
