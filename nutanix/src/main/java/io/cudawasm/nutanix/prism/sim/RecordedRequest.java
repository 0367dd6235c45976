package io.cudawasm.nutanix.prism.sim;

import java.time.Instant;

/**
 * A request the simulator received, for tests to inspect.
 *
 * @param authScheme {@code api-key}, {@code basic} or {@code none}: which credential header came in
 * @param principal  the user name or API-key owner that authenticated, "" when none did
 * @param body       the request body as text ("" for GET)
 * @param status     the status answered, or 0 when the connection was dropped
 * @param query      the decoded query string ("" when none), e.g. {@code $page=0&$limit=100}
 */
public record RecordedRequest(
        Instant at, String method, String path, String authScheme, String principal, String body, int status,
        String query) {

    /** The value of one query parameter, e.g. {@code $filter}; empty when absent. */
    public java.util.Optional<String> queryParameter(String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.util.Optional.of(pair.substring(eq + 1));
            }
        }
        return java.util.Optional.empty();
    }
}
