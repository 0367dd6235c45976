package io.cudawasm.nutanix.deploy;

/** No usable kubeconfig: none found where it was looked for, or it lacks the asked-for context. */
public final class KubeconfigException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public KubeconfigException(String message) {
        super(message);
    }
}
