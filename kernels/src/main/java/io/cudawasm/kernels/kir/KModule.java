package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.types.StructType;
import java.util.List;
import java.util.Optional;

/** A compiled translation unit in kernel IR: what every back end reads. */
public record KModule(String sourceName, List<KFunction> functions, List<KGlobal> globals, List<StructType> structs) {

    public List<KFunction> kernels() {
        return functions.stream().filter(KFunction::isKernel).toList();
    }

    public Optional<KFunction> function(String name) {
        return functions.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
