package io.cudawasm.nutanix.prism;

import java.time.Duration;

/** Waits between retries; tests substitute one that records the delay and returns at once. */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps on the calling thread. */
    Sleeper SYSTEM = delay -> Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);

    void sleep(Duration delay) throws InterruptedException;
}
