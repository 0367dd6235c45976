package io.cudawasm.runtime.backend.check;

/**
 * CUDA's warp shuffles on the host, lane by lane, for writing reference outputs: what lane
 * {@code lane} of a warp gets from {@code __shfl*_sync(mask, value, arg, width)}.
 */
public final class WarpModel {
    private WarpModel() {}

    /** The lane read by IDX (mode 0), UP (1), DOWN (2) or XOR (3); out-of-range reads give the caller's own. */
    public static int source(int lane, int mode, int arg, int width) {
        int seg = lane & ~(width - 1);
        return switch (mode) {
            case 0 -> seg + (arg & (width - 1));
            case 1 -> lane - seg >= arg ? lane - arg : lane;
            case 2 -> lane - seg + arg < width ? lane + arg : lane;
            default -> {
                int x = lane ^ arg;
                yield x < seg + width ? x : lane;
            }
        };
    }

    /** One shuffle over a whole warp of values (every lane participates). */
    public static int[] shuffle(int[] warp, int mode, int arg, int width) {
        int[] out = new int[warp.length];
        for (int l = 0; l < warp.length; l++) {
            int src = source(l, mode, arg, width);
            out[l] = src < warp.length ? warp[src] : warp[l];
        }
        return out;
    }

    public static float[] shuffle(float[] warp, int mode, int arg, int width) {
        float[] out = new float[warp.length];
        for (int l = 0; l < warp.length; l++) {
            int src = source(l, mode, arg, width);
            out[l] = src < warp.length ? warp[src] : warp[l];
        }
        return out;
    }
}
