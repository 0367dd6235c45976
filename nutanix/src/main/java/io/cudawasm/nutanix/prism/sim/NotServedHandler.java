package io.cudawasm.nutanix.prism.sim;

import java.nio.charset.StandardCharsets;

/** The paths of an API the simulator does not serve: recorded, then 404, as on a Prism Central without it. */
final class NotServedHandler extends ApiHandler {

    NotServedHandler(SimulatorAccess access, FaultInjector faults, RequestLog log) {
        super(access, faults, log);
    }

    @Override
    SimAnswer answer(Request request) {
        return error(404, "ENTITY_NOT_FOUND", "Path not found: " + request.path(), null, request);
    }

    @Override
    SimAnswer error(int status, String reason, String message, Object details, Request request) {
        return SimAnswer.json(status, PrismJsonShapes.error(status, "", reason, message, details));
    }

    @Override
    byte[] truncatedBody() {
        return "{\"message_list\":[{\"mess".getBytes(StandardCharsets.UTF_8);
    }
}
