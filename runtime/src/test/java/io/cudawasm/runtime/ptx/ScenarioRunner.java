package io.cudawasm.runtime.ptx;

import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a {@link Scenario} on a compiled module and returns every buffer's final bytes. */
final class ScenarioRunner {
    private ScenarioRunner() {}

    static Map<String, byte[]> run(Scenario s, KernelHarness h) {
        s.symbols().forEach((name, bytes) -> h.session().writeSymbol(name, 0, bytes));
        Map<String, DeviceBuffer> buffers = new LinkedHashMap<>();
        for (Scenario.Buffer b : s.buffers()) {
            buffers.put(b.name(), h.buffer(b.init()));
        }
        for (Scenario.Launch l : s.launches()) {
            List<Object> args = new ArrayList<>();
            for (Object a : l.args()) {
                args.add(a instanceof String name ? buffers.get(name) : a);
            }
            h.launch(l.kernel(), l.config(), LaunchOptions.DEFAULT, args.toArray());
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        buffers.forEach((name, b) -> out.put(name, h.read(b)));
        return out;
    }
}
