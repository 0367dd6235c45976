package io.cudawasm.runtime.backend.wasm;

/**
 * One accumulating row's program compiled to Vector API code ({@link VectorAccumulateCompiler}): the
 * trips loop of {@link VectorAccumulate}, over start values the caller gathered into an array.
 */
interface VectorAccumulateRoutine {
    /**
     * For every thread {@code t < count} of every row {@code r < rows}: {@code values[r*count + t] +=
     * program(r, t, j)} for {@code j} in {@code [0, trips)} in order, where {@code LOADk} reads the
     * float at array index {@code sourceK + rowStepK*r + 4t + stepK*j} and {@code BROADCASTk} the one at
     * {@code sourceK + rowStepK*r + stepK*j}.
     *
     * @param memory the memory's array
     * @param values the threads' values, row after row, {@code rows * count} of them
     * @param count threads of a row, a multiple of the vector length; every index it implies was checked
     *     by the caller
     * @param rows at least 1
     * @param trips at least 1
     * @param source0 array index (address minus the guard) of source 0's first float; unused sources
     *     and steps may be anything
     */
    void run(byte[] memory, float[] values, int count, int rows, int trips, int source0, int step0, int rowStep0,
            int source1, int step1, int rowStep1, int source2, int step2, int rowStep2, float uniform0, float uniform1,
            float uniform2);
}
