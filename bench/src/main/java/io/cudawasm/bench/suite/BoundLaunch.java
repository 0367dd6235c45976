package io.cudawasm.bench.suite;

import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import java.util.List;

/** One launch with its device buffers already in place: what a throughput benchmark repeats. */
public record BoundLaunch(DeviceSession session, String kernel, LaunchConfig config, List<KernelArg> args) {

    public BoundLaunch {
        args = List.copyOf(args);
    }

    /** Runs the kernel to completion (launches are synchronous, so the time includes the device's work). */
    public LaunchStats run() {
        return session.launch(kernel, config, args, LaunchOptions.DEFAULT);
    }
}
