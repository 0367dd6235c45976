package io.cudawasm.runtime.backend.wasm;

/**
 * One vector row program compiled to Vector API code ({@link VectorRowCompiler}): the hidden class
 * generated for a program implements this, so {@link VectorRows} calls every program the same way.
 */
interface VectorRowRoutine {
    /**
     * Runs threads {@code 0 .. count-1}: thread {@code t} reads the floats at array indices
     * {@code sourceK + 4t} and stores its value at {@code destination + 4t}.
     *
     * @param memory the memory's array
     * @param count a multiple of the vector length; every range it implies was checked by the caller
     * @param destination array index (address minus the guard) of thread 0's result
     * @param source0 array index of thread 0's first source; unused sources may be anything
     * @param uniform0 row-wide value 0; unused ones may be anything
     */
    void run(byte[] memory, int count, int destination, int source0, int source1, int source2,
            float uniform0, float uniform1, float uniform2);

    /**
     * Runs threads {@code from .. to-1} one by one, each in plain {@code float} arithmetic (the same
     * IEEE single-precision operations as the vector lanes, so the same bits): the threads of a row
     * too few to fill a vector ({@link VectorTree}). Arguments as for {@link #run}.
     */
    void runScalar(byte[] memory, int from, int to, int destination, int source0, int source1, int source2,
            float uniform0, float uniform1, float uniform2);
}
