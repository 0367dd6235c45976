package io.cudawasm.nutanix.prism;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the delays the client asks for and returns immediately, so retry tests take no time. */
public final class RecordingSleeper implements Sleeper {
    private final List<Duration> delays = new ArrayList<>();

    @Override
    public synchronized void sleep(Duration delay) {
        delays.add(delay);
    }

    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }
}
