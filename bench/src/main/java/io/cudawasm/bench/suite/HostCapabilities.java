package io.cudawasm.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.benchreport.ResultFiles;
import io.cudawasm.runtime.registration.LocalView;
import io.cudawasm.runtime.registration.NodeCapabilities;
import io.cudawasm.runtime.registration.SelfRegistration;
import io.cudawasm.runtime.service.config.RegistrationSettings;
import io.cudawasm.runtime.service.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/**
 * The capabilities document the worker's self-registration would publish for this host: the local view
 * always, and where Prism Central is configured (the worker's {@code NUTANIX_*} variables) the GPU's
 * model, passthrough or vGPU profile and host driver. Nothing is published: a benchmark only reads.
 */
public final class HostCapabilities {
    private HostCapabilities() {}

    /** One registration round with the settings of {@code env}; a Prism failure leaves the local view. */
    public static JsonNode probe(Backends backends, Map<String, String> env) {
        RegistrationSettings settings = WorkerConfig.fromEnvironment(env).build().registration();
        SelfRegistration.Builder b = SelfRegistration.builder(settings, new SimpleMeterRegistry())
                .localView(() -> LocalView.probe(backends));
        settings.prism().ifPresent(config -> b.prism(NutanixClient.create(config)));
        try (SelfRegistration registration = b.build()) {
            NodeCapabilities doc = registration.refresh();
            return ResultFiles.json().valueToTree(doc);
        }
    }
}
