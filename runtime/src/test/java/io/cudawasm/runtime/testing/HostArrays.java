package io.cudawasm.runtime.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian conversions between Java arrays and device bytes. */
public final class HostArrays {
    private HostArrays() {}

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

    public static byte[] bytes(int[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(a);
        return b.array();
    }

    public static byte[] bytes(long[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(a);
        return b.array();
    }

    public static float[] floats(byte[] b) {
        float[] a = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        return a;
    }

    public static double[] doubles(byte[] b) {
        double[] a = new double[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(a);
        return a;
    }

    public static int[] ints(byte[] b) {
        int[] a = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(a);
        return a;
    }

    public static long[] longs(byte[] b) {
        long[] a = new long[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(a);
        return a;
    }
}
