package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of the Kubernetes scheduler that decide whether a pod may run on a node, evaluated the way
 * the scheduler's filters do: nodeSelector, required node affinity (terms ORed, expressions ANDed;
 * In, NotIn, Exists, DoesNotExist, Gt, Lt), NoSchedule/NoExecute taints against tolerations, and
 * extended resources (GPUs) against the node's allocatable. Plus the preferred-affinity score.
 */
final class SchedulingFilter {
    /** Resources every node has; only extended ones (GPUs) are checked. */
    private static final Set<String> BASIC_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");

    /** A node as the scheduler sees it. */
    record Node(String name, Map<String, String> labels, Map<String, String> allocatable, List<Taint> taints) {}

    private SchedulingFilter() {}

    /** Why the pod cannot run on the node; empty when it can. */
    static List<String> rejections(PodSpec pod, Node node) {
        List<String> why = new ArrayList<>();
        pod.getNodeSelector().forEach((k, v) -> {
            if (!v.equals(node.labels().get(k))) {
                why.add("nodeSelector " + k + "=" + v);
            }
        });
        NodeAffinity affinity = pod.getAffinity() == null ? null : pod.getAffinity().getNodeAffinity();
        if (affinity != null && affinity.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
            List<NodeSelectorTerm> terms = affinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
            if (terms.stream().noneMatch(t -> matches(t.getMatchExpressions(), node.labels()))) {
                why.add("required node affinity " + describe(terms));
            }
        }
        for (Taint taint : node.taints()) {
            boolean blocking = taint.getEffect().equals("NoSchedule") || taint.getEffect().equals("NoExecute");
            if (blocking && pod.getTolerations().stream().noneMatch(t -> tolerates(t, taint))) {
                why.add("untolerated taint " + taint.getKey() + ":" + taint.getEffect());
            }
        }
        pod.getContainers().forEach(c -> {
            Map<String, Quantity> limits = c.getResources() == null || c.getResources().getLimits() == null
                    ? Map.of() : c.getResources().getLimits();
            limits.forEach((resource, amount) -> {
                if (BASIC_RESOURCES.contains(resource)) {
                    return;
                }
                BigDecimal has = node.allocatable().containsKey(resource)
                        ? new Quantity(node.allocatable().get(resource)).getNumericalAmount() : BigDecimal.ZERO;
                if (has.compareTo(amount.getNumericalAmount()) < 0) {
                    why.add("insufficient " + resource);
                }
            });
        });
        return why;
    }

    static boolean fits(PodSpec pod, Node node) {
        return rejections(pod, node).isEmpty();
    }

    /** The sum of the weights of the preferred node-affinity terms the node matches. */
    static int preferenceScore(PodSpec pod, Node node) {
        NodeAffinity affinity = pod.getAffinity() == null ? null : pod.getAffinity().getNodeAffinity();
        if (affinity == null || affinity.getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
            return 0;
        }
        int score = 0;
        for (PreferredSchedulingTerm term : affinity.getPreferredDuringSchedulingIgnoredDuringExecution()) {
            if (matches(term.getPreference().getMatchExpressions(), node.labels())) {
                score += term.getWeight();
            }
        }
        return score;
    }

    private static boolean matches(List<NodeSelectorRequirement> expressions, Map<String, String> labels) {
        return expressions.stream().allMatch(e -> matches(e, labels));
    }

    private static boolean matches(NodeSelectorRequirement e, Map<String, String> labels) {
        String value = labels.get(e.getKey());
        return switch (e.getOperator()) {
            case "In" -> value != null && e.getValues().contains(value);
            case "NotIn" -> value == null || !e.getValues().contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt" -> value != null && Long.parseLong(value) > Long.parseLong(e.getValues().get(0));
            case "Lt" -> value != null && Long.parseLong(value) < Long.parseLong(e.getValues().get(0));
            default -> throw new AssertionError("unknown operator " + e.getOperator());
        };
    }

    private static boolean tolerates(Toleration t, Taint taint) {
        boolean key = t.getKey() == null || t.getKey().isEmpty()
                ? "Exists".equals(t.getOperator()) : t.getKey().equals(taint.getKey());
        boolean value = "Exists".equals(t.getOperator())
                || (t.getValue() == null ? "" : t.getValue()).equals(taint.getValue() == null ? "" : taint.getValue());
        boolean effect = t.getEffect() == null || t.getEffect().isEmpty() || t.getEffect().equals(taint.getEffect());
        return key && value && effect;
    }

    private static String describe(List<NodeSelectorTerm> terms) {
        return terms.stream().map(t -> t.getMatchExpressions().stream()
                        .map(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues()).toList().toString())
                .toList().toString();
    }
}
