package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/** A parsed module and its JVM-bytecode machine factory, shared by every session that runs it. */
record CompiledWasm(WasmModule module, Function<Instance, Machine> machineFactory) {}
