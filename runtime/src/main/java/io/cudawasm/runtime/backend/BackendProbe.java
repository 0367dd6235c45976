package io.cudawasm.runtime.backend;

/**
 * What start-up found for one kind of device: available or not, and why. Missing native
 * libraries are facts to report (capabilities), not errors.
 */
public record BackendProbe(String name, boolean available, String device, String reason) {

    public static BackendProbe available(String name, String device) {
        return new BackendProbe(name, true, device, "available");
    }

    public static BackendProbe unavailable(String name, String reason) {
        return new BackendProbe(name, false, null, reason);
    }
}
