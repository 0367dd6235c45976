package io.cudawasm.nutanix.deploy;

/** What applying one object did, or would do in a dry run. */
public enum ApplyAction {
    CREATED("created"),
    UPDATED("updated"),
    UNCHANGED("unchanged"),
    WOULD_CREATE("would create"),
    WOULD_UPDATE("would update");

    private final String verb;

    ApplyAction(String verb) {
        this.verb = verb;
    }

    public String verb() {
        return verb;
    }
}
