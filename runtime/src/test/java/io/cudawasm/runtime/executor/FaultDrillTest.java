package io.cudawasm.runtime.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPU check's fault drill, run here on PoCL: the same code runs on every NVIDIA GPU in scripts/gpu-check.sh. */
class FaultDrillTest {

    @Test
    void everyScenarioFailsItsOwnJobAndTheNextJobIsRight() {
        try (ExecutorBackend opencl = ExecutorTestDevice.opencl(ExecutorTestDevice.settings()
                .withCrashLoop(100, Duration.ofSeconds(60), Duration.ofSeconds(1)))) {
            List<FaultDrill.Outcome> outcomes = new FaultDrill(opencl).run();
            assertEquals(List.of("baseline", "out-of-bounds write", "out-of-bounds read", "null write", "endless loop",
                    "trap", "kill -9 mid-launch"), outcomes.stream().map(FaultDrill.Outcome::scenario).toList());
            for (FaultDrill.Outcome o : outcomes) {
                assertTrue(o.passed(), o.format());
            }
            assertTrue(outcomes.get(1).detail().startsWith("CRASH, executor replaced"), outcomes.get(1).format());
            assertTrue(outcomes.get(5).detail().startsWith("TRAP, next job right"), outcomes.get(5).format());
        }
    }
}
