package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Policy checks over one set of generated objects, in the spirit of the Pod Security Standards'
 * "restricted" profile plus the hardening a cluster policy engine would ask for. Each finding is one
 * line, {@code Kind/name: what}. The rules:
 * <ol>
 *   <li>pods run as a numeric non-root user, without privilege escalation, with every capability
 *       dropped, seccomp {@code RuntimeDefault} and a read-only root file system; no host namespaces,
 *       host paths, host ports or privileged containers;
 *   <li>every container requests and limits CPU, memory and ephemeral storage;
 *   <li>images are pinned by digest, never {@code :latest} or untagged, and the pull policy fits the
 *       reference ({@code IfNotPresent} only for immutable ones);
 *   <li>a service-account token is mounted only into pods whose account has a role binding (they use
 *       the API), and service accounts do not mount tokens by default;
 *   <li>no credentials in the environment ({@code secretKeyRef});
 *   <li>a NetworkPolicy with both Ingress and Egress covers every pod;
 *   <li>every namespace enforces Pod Security "restricted".
 * </ol>
 */
final class PolicyCheck {
    private static final List<String> RESOURCES = List.of("cpu", "memory", "ephemeral-storage");

    private PolicyCheck() {}

    static List<String> findings(List<HasMetadata> objects) {
        List<String> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            podTemplate(o).ifPresent(t -> checkPod(o, t, objects, out));
            if (o instanceof ServiceAccount sa && !Boolean.FALSE.equals(sa.getAutomountServiceAccountToken())) {
                out.add(id(o) + ": service account mounts a token by default");
            }
            if (o instanceof Namespace ns) {
                Map<String, String> labels = ns.getMetadata().getLabels();
                if (labels == null || !"restricted".equals(labels.get("pod-security.kubernetes.io/enforce"))) {
                    out.add(id(o) + ": Pod Security \"restricted\" not enforced");
                }
            }
        }
        objects.stream().filter(o -> podTemplate(o).isPresent()).map(o -> o.getMetadata().getNamespace()).distinct()
                .filter(ns -> objects.stream().noneMatch(o -> o instanceof Namespace && o.getMetadata().getName().equals(ns)))
                .forEach(ns -> out.add("Namespace/" + ns + ": not among the objects, so its Pod Security level is unknown"));
        return out;
    }

    private static void checkPod(HasMetadata owner, PodTemplateSpec template, List<HasMetadata> objects, List<String> out) {
        String id = id(owner);
        PodSpec pod = template.getSpec();
        PodSecurityContext psc = pod.getSecurityContext();
        flag(out, id, Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())
                || Boolean.TRUE.equals(pod.getHostIPC()), "uses a host namespace");
        flag(out, id, pod.getVolumes().stream().anyMatch(v -> v.getHostPath() != null), "mounts a host path");
        for (Container c : pod.getContainers()) {
            String cid = id + " container " + c.getName();
            SecurityContext sc = c.getSecurityContext();
            Boolean nonRoot = pick(sc, SecurityContext::getRunAsNonRoot, psc, PodSecurityContext::getRunAsNonRoot);
            Long user = pick(sc, SecurityContext::getRunAsUser, psc, PodSecurityContext::getRunAsUser);
            flag(out, cid, !Boolean.TRUE.equals(nonRoot), "runAsNonRoot is not true");
            flag(out, cid, user == null || user == 0, "no numeric non-root runAsUser");
            flag(out, cid, sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()), "privilege escalation allowed");
            flag(out, cid, sc != null && Boolean.TRUE.equals(sc.getPrivileged()), "privileged");
            Capabilities caps = sc == null ? null : sc.getCapabilities();
            flag(out, cid, caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL"), "capabilities not dropped (ALL)");
            flag(out, cid, caps != null && caps.getAdd() != null && !caps.getAdd().isEmpty(), "adds capabilities " + (caps == null ? "" : caps.getAdd()));
            String seccomp = sc != null && sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
                    : psc != null && psc.getSeccompProfile() != null ? psc.getSeccompProfile().getType() : null;
            flag(out, cid, !"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp), "seccomp profile is " + seccomp);
            flag(out, cid, sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()), "root file system is writable");
            flag(out, cid, c.getPorts().stream().anyMatch(p -> p.getHostPort() != null), "uses a host port");
            for (String r : RESOURCES) {
                Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
                Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
                flag(out, cid, requests == null || !requests.containsKey(r), "no " + r + " request");
                flag(out, cid, limits == null || !limits.containsKey(r), "no " + r + " limit");
            }
            ImageReference image = ImageReference.parse(c.getImage());
            flag(out, cid, image.tag().map("latest"::equals).orElse(true) && !image.pinned(), "image " + c.getImage() + " is latest or untagged");
            flag(out, cid, !image.pinned(), "image " + c.getImage() + " is not pinned by digest");
            flag(out, cid, image.mutable() && !"Always".equals(c.getImagePullPolicy()),
                    "pull policy " + c.getImagePullPolicy() + " for the mutable image " + c.getImage());
            flag(out, cid, c.getEnv().stream().anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null),
                    "a Secret in the environment");
        }
        String account = pod.getServiceAccountName() == null ? "default" : pod.getServiceAccountName();
        boolean bound = objects.stream().anyMatch(o -> bindsAccount(o, account, owner.getMetadata().getNamespace()));
        boolean token = !Boolean.FALSE.equals(pod.getAutomountServiceAccountToken());
        flag(out, id, token && !bound, "mounts a service-account token it has no use for (no role binding)");
        flag(out, id, !token && bound, "has a role binding but no token to use it");
        boolean covered = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .anyMatch(np -> Objects.equals(np.getMetadata().getNamespace(), owner.getMetadata().getNamespace())
                        && np.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                        && template.getMetadata().getLabels().entrySet()
                                .containsAll(np.getSpec().getPodSelector().getMatchLabels().entrySet()));
        flag(out, id, !covered, "no NetworkPolicy restricts both its ingress and egress");
    }

    private static boolean bindsAccount(HasMetadata o, String account, String namespace) {
        List<Subject> subjects = o instanceof RoleBinding rb ? rb.getSubjects()
                : o instanceof ClusterRoleBinding crb ? crb.getSubjects() : List.of();
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind()) && account.equals(s.getName())
                && namespace.equals(s.getNamespace()));
    }

    private static java.util.Optional<PodTemplateSpec> podTemplate(HasMetadata o) {
        if (o instanceof StatefulSet s) {
            return java.util.Optional.of(s.getSpec().getTemplate());
        }
        if (o instanceof Deployment d) {
            return java.util.Optional.of(d.getSpec().getTemplate());
        }
        if (o instanceof Job j) {
            return java.util.Optional.of(j.getSpec().getTemplate());
        }
        return java.util.Optional.empty();
    }

    private static <T> T pick(SecurityContext sc, Function<SecurityContext, T> container, PodSecurityContext psc,
            Function<PodSecurityContext, T> pod) {
        T v = sc == null ? null : container.apply(sc);
        return v != null ? v : psc == null ? null : pod.apply(psc);
    }

    private static void flag(List<String> out, String id, boolean violated, String what) {
        if (violated) {
            out.add(id + ": " + what);
        }
    }

    private static String id(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }
}
