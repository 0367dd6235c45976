package io.cudawasm.nutanix.deploy;

/**
 * The storage classes the Nutanix CSI driver's chart creates, and the access mode each supports.
 *
 * <p>Nutanix Volumes (iSCSI block) is ReadWriteOnce: a second pod on another node fails with
 * {@code Multi-Attach error}. Nutanix Files (NFS) is ReadWriteMany.
 */
public final class NutanixStorageClasses {
    /** Nutanix Volumes, block storage over iSCSI: ReadWriteOnce. The default for the kernel cache. */
    public static final String VOLUME = "nutanix-volume";
    /** Nutanix Files with dynamic provisioning: ReadWriteMany. */
    public static final String DYNAMIC_FILE = "nutanix-dynamicfile";
    /** Nutanix Files, statically provisioned export: ReadWriteMany. */
    public static final String FILE = "nutanix-file";

    private NutanixStorageClasses() {}

    /**
     * The access mode to request from a class: RWX for the Files classes, RWO for everything else,
     * since ReadWriteOnce is the mode every provisioner supports.
     */
    public static CacheAccessMode defaultAccessMode(String storageClass) {
        return DYNAMIC_FILE.equals(storageClass) || FILE.equals(storageClass)
                ? CacheAccessMode.READ_WRITE_MANY
                : CacheAccessMode.READ_WRITE_ONCE;
    }
}
