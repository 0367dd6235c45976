package io.cudawasm.runtime.service;

/**
 * Adds a section to {@code GET /v1/capabilities}, under {@code extensions.<name>}. Self-registration
 * uses it to publish the host's Nutanix facts (cluster, host, GPUs from Prism Central). Called on
 * every request: return what is known now, quickly, as JSON-serializable data.
 */
public interface CapabilityContributor {
    String name();

    Object describe();
}
