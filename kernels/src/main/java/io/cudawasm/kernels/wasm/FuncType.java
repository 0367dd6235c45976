package io.cudawasm.kernels.wasm;

import java.util.List;
import java.util.stream.Collectors;

/** A WebAssembly function signature. */
record FuncType(List<ValType> params, List<ValType> results) {
    FuncType {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    String text() {
        String p = params.isEmpty() ? "" : " (param " + params.stream().map(ValType::text).collect(Collectors.joining(" ")) + ")";
        String r = results.isEmpty() ? "" : " (result " + results.stream().map(ValType::text).collect(Collectors.joining(" ")) + ")";
        return p + r;
    }
}
