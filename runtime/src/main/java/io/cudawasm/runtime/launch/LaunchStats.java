package io.cudawasm.runtime.launch;

import java.time.Duration;

/** What a completed launch reports: where it ran, how long it took. */
public record LaunchStats(String kernel, String backend, String device, Duration elapsed, int workers) {}
