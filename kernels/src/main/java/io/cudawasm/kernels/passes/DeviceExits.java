package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirWalk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PTX {@code exit} in a device function ends the thread, wherever nvcc inlined the function: the
 * front ends leave a marker there (a {@code Trap} with {@link KernelAbi#TRAP_DEVICE_EXIT}), and this
 * pass inlines every device function that reaches one (itself or through its calls) into the
 * kernels that call it (the front ends call functions as statements, into temporaries; calls
 * through pointers go through a dispatch function that calls each target so), where the marker
 * becomes the kernel's {@code return}. A recursive function is not taken in: its marker stops the
 * kernel with {@link KernelAbi#DEVICE_EXIT} when it runs. Runs once per module, before any back end
 * reads it.
 */
public final class DeviceExits {
    private DeviceExits() {}

    public static void apply(KModule module) {
        Map<KFunction, Boolean> exiting = new HashMap<>();
        for (KFunction f : module.functions()) {
            if (!f.isKernel() && f.hasBody() && hasMarker(f.body())) {
                exiting.put(f, true);
            }
        }
        if (exiting.isEmpty()) {
            return;
        }
        // the functions that call an exiting one exit too, to a fixed point
        for (boolean grew = true; grew; ) {
            grew = false;
            for (KFunction f : module.functions()) {
                if (!f.isKernel() && f.hasBody() && !exiting.containsKey(f) && calls(f.body(), exiting)) {
                    exiting.put(f, true);
                    grew = true;
                }
            }
        }
        // a function that reaches itself cannot be inlined: its markers stay and stop the kernel
        exiting.keySet().removeIf(f -> reaches(f, f, exiting, new java.util.HashSet<>()));
        if (exiting.isEmpty()) {
            return;
        }
        for (KFunction k : module.kernels()) {
            if (k.hasBody() && calls(k.body(), exiting)) {
                k.setBody(new MarkerToReturn().block(Inliner.inlineCollectiveCalls(k, exiting)));
            }
        }
    }

    private static boolean isMarker(KStmt s) {
        return s instanceof KStmt.Trap t && t.code() == KernelAbi.TRAP_DEVICE_EXIT;
    }

    private static boolean hasMarker(KBlock body) {
        boolean[] found = {false};
        KirWalk.statements(body, s -> found[0] |= isMarker(s));
        return found[0];
    }

    private static boolean calls(KBlock body, Map<KFunction, Boolean> exiting) {
        boolean[] found = {false};
        KirWalk.expressions(body, e -> found[0] |= e instanceof KExpr.Call c && exiting.containsKey(c.callee()));
        return found[0];
    }

    /** Whether {@code from} calls {@code to}, directly or through exiting functions. */
    private static boolean reaches(KFunction from, KFunction to, Map<KFunction, Boolean> exiting,
            java.util.Set<KFunction> seen) {
        if (!seen.add(from) || !from.hasBody()) {
            return false;
        }
        boolean[] found = {false};
        KirWalk.expressions(from.body(), e -> {
            if (!found[0] && e instanceof KExpr.Call c && (c.callee() == to
                    || exiting.containsKey(c.callee()) && reaches(c.callee(), to, exiting, seen))) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /** In a kernel, the marker is the thread's end. */
    private static final class MarkerToReturn extends KirRewriter {
        @Override
        public List<KStmt> stmt(KStmt s) {
            return isMarker(s) ? List.of(new KStmt.Return(null)) : super.stmt(s);
        }
    }
}
