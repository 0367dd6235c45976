package io.cudawasm.runtime.ptx;

import io.cudawasm.runtime.launch.LaunchConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel source and the launches to run on it, over named buffers, so the same work can be done
 * through the CUDA-source path and through the PTX path and the buffers compared afterwards.
 *
 * @param instantiations template kernels to instantiate (the source path's request; for nvcc they
 *     become explicit instantiations appended to the source)
 * @param explicitInstantiations the C++ lines that instantiate them for nvcc
 * @param expectTrap whether every path must stop the launch with a trap (a divergent barrier)
 */
record Scenario(String name, String source, Map<String, String> defines, List<String> instantiations,
        String explicitInstantiations, List<Buffer> buffers, Map<String, byte[]> symbols, List<Launch> launches,
        boolean expectTrap) {

    /** What a buffer holds, word by word (repeating), for comparing it. */
    enum Word { INT32, INT64, FLOAT32, FLOAT64, BYTE }

    /**
     * A device buffer's initial bytes and layout; {@code check} compares source and PTX results
     * itself when the kernel's result is not deterministic (null: word by word).
     */
    record Buffer(String name, byte[] init, List<Word> layout, BufferCheck check) {}

    /** A launch; arguments are buffer names, numbers, or struct bytes. */
    record Launch(String kernel, LaunchConfig config, List<Object> args) {}

    /** A custom comparison of a buffer's final contents on the two paths. */
    interface BufferCheck {
        void compare(byte[] fromSource, byte[] fromPtx);
    }

    @Override
    public String toString() {
        return name;
    }

    /** The source nvcc compiles: the kernel source plus the explicit template instantiations. */
    String nvccSource() {
        return explicitInstantiations.isEmpty() ? source : source + "\n" + explicitInstantiations + "\n";
    }

    /** The {@code -D} flags for nvcc. */
    List<String> nvccDefines() {
        List<String> out = new ArrayList<>();
        defines.forEach((k, v) -> out.add("-D" + k + "=" + v));
        return out;
    }

    static Builder of(String name, String source) {
        return new Builder(name, source);
    }

    static final class Builder {
        private final String name;
        private final String source;
        private final Map<String, String> defines = new LinkedHashMap<>();
        private final List<String> instantiations = new ArrayList<>();
        private String explicit = "";
        private final List<Buffer> buffers = new ArrayList<>();
        private final Map<String, byte[]> symbols = new LinkedHashMap<>();
        private final List<Launch> launches = new ArrayList<>();
        private boolean trap;

        private Builder(String name, String source) {
            this.name = name;
            this.source = source;
        }

        Builder define(String k, Object v) {
            defines.put(k, String.valueOf(v));
            return this;
        }

        Builder instantiate(String kernel, String explicitLine) {
            instantiations.add(kernel);
            explicit = explicit + explicitLine + "\n";
            return this;
        }

        Builder buffer(String n, byte[] init, Word... layout) {
            buffers.add(new Buffer(n, init, List.of(layout), null));
            return this;
        }

        Builder buffer(String n, byte[] init, BufferCheck check) {
            buffers.add(new Buffer(n, init, List.of(Word.BYTE), check));
            return this;
        }

        Builder symbol(String n, byte[] bytes) {
            symbols.put(n, bytes);
            return this;
        }

        Builder launch(String kernel, LaunchConfig config, Object... args) {
            launches.add(new Launch(kernel, config, List.of(args)));
            return this;
        }

        Builder expectTrap() {
            trap = true;
            return this;
        }

        Scenario build() {
            return new Scenario(name, source, defines, instantiations, explicit, buffers, symbols, launches, trap);
        }
    }
}
