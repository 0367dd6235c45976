package io.cudawasm.nutanix.prism.sim;

import java.time.Instant;

/**
 * A request the simulator received, for tests to inspect.
 *
 * @param authScheme {@code api-key}, {@code basic} or {@code none}: which credential header came in
 * @param principal  the user name or API-key owner that authenticated, "" when none did
 * @param body       the request body as text ("" for GET)
 * @param status     the status answered, or 0 when the connection was dropped
 */
public record RecordedRequest(
        Instant at, String method, String path, String authScheme, String principal, String body, int status) {}
