package io.cudawasm.runtime.launch;

/** A block or thread index, like CUDA's {@code blockIdx} and {@code threadIdx} (each component from 0). */
public record Index3(int x, int y, int z) {

    @Override
    public String toString() {
        return "(" + x + "," + y + "," + z + ")";
    }
}
