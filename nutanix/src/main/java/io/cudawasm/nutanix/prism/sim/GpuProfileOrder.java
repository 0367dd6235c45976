package io.cudawasm.nutanix.prism.sim;

/**
 * The order in which the simulator lists a cluster's v4 {@code physical-gpu-profiles} and
 * {@code virtual-gpu-profiles}. Prism Central does not promise any order (its own server lists compute
 * before graphics profiles, each in its database's order), so a client must not read host placement from it;
 * {@link #HOSTS_REVERSED} makes a test of that tell.
 */
public enum GpuProfileOrder {
    /** Host by host in the estate's order, each host's GPUs in {@code gpu_list} order (the default). */
    HOSTS,
    /** The reverse: the last host's last GPU first. */
    HOSTS_REVERSED
}
