package io.cudawasm.bench.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark class of a run: its methods and the parameter values the run gives it.
 *
 * @param params parameter name to values, in the class's order; JMH runs every combination
 */
record ClassPlan(Class<?> type, List<String> methods, Map<String, List<String>> params) {

    ClassPlan {
        methods = List.copyOf(methods);
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    String simpleName() {
        return type.getSimpleName();
    }

    boolean hasBackend() {
        return params.containsKey("backend");
    }

    /** Every method and parameter combination: what the run should produce a result for. */
    List<Map<String, String>> combinations() {
        List<Map<String, String>> all = new ArrayList<>();
        all.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : all) {
                for (String v : p.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(p.getKey(), v);
                    next.add(m);
                }
            }
            all = next;
        }
        List<Map<String, String>> withMethods = new ArrayList<>();
        for (String method : methods) {
            for (Map<String, String> combination : all) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("@method", method);
                m.putAll(combination);
                withMethods.add(m);
            }
        }
        return withMethods;
    }

    /** No combination to run (an empty parameter list: for example no device back end on this host). */
    boolean isEmpty() {
        return params.values().stream().anyMatch(List::isEmpty);
    }
}
