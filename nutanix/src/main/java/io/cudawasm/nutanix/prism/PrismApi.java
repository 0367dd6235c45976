package io.cudawasm.nutanix.prism;

import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import java.util.List;
import java.util.Optional;

/**
 * The few reads {@link NutanixClient} builds everything on, once per Prism Central API generation. Both
 * implementations return the same model ({@link PrismHost} with its GPU entries, {@link PrismCluster},
 * {@link PrismVm}), so discovery, ranking and self-registration do not depend on the API in use.
 */
sealed interface PrismApi permits PrismV3Api, PrismV4Api {

    PrismApiVersion version();

    /** Every host with its GPU entries. */
    List<PrismHost> listHosts();

    /**
     * The hosts of one cluster with their GPU entries; empty for a cluster without hosts.
     *
     * @throws PrismNotFoundException when the API itself says the cluster does not exist
     */
    List<PrismHost> listHostsOfCluster(String clusterUuid);

    PrismHost getHost(String hostUuid);

    /** Every cluster, Prism Central's own entry included. */
    List<PrismCluster> listClusters();

    PrismCluster getCluster(String clusterUuid);

    List<PrismVm> listVms();

    PrismVm getVm(String vmUuid);

    /** A host's name alone, without its GPUs: what a v4 reference (an {@code extId} only) does not carry. */
    String hostName(String hostUuid);

    /** The VM whose BIOS (system) uuid is this one, compared without regard to case. */
    Optional<PrismVm> findVmByBiosUuid(String biosUuid);
}
