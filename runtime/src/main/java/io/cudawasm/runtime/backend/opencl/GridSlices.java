package io.cudawasm.runtime.backend.opencl;

import io.cudawasm.runtime.launch.Dim3;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid cut into slices of whole blocks along its outermost dimension. OpenCL cannot stop a
 * running kernel, so a launch with a time limit or cancellation runs slice by slice and checks in
 * between; the kernel adds the slice's block offset to {@code get_group_id}.
 */
record GridSlices(List<Slice> slices) {

    /** Blocks {@code origin .. origin + extent} of the grid. */
    record Slice(int[] origin, int[] extent) {}

    /** The whole grid as one slice. */
    static GridSlices whole(Dim3 grid) {
        return new GridSlices(List.of(new Slice(new int[3], new int[] {grid.x(), grid.y(), grid.z()})));
    }

    /** At most {@code maxSlices} slices along z, else y, else x. */
    static GridSlices of(Dim3 grid, int maxSlices) {
        int[] g = {grid.x(), grid.y(), grid.z()};
        int dim = g[2] > 1 ? 2 : g[1] > 1 ? 1 : 0;
        int count = Math.max(1, Math.min(maxSlices, g[dim]));
        int per = (g[dim] + count - 1) / count;
        List<Slice> out = new ArrayList<>();
        for (int start = 0; start < g[dim]; start += per) {
            int[] origin = new int[3];
            int[] extent = g.clone();
            origin[dim] = start;
            extent[dim] = Math.min(per, g[dim] - start);
            out.add(new Slice(origin, extent));
        }
        return new GridSlices(out);
    }
}
