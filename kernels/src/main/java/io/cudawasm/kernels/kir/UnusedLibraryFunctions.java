package io.cudawasm.kernels.kir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops the device functions of built-in library headers (cuda_fp16.h declares some 150) that no
 * kernel and no other function reaches, so a kernel using two of them does not carry the rest
 * into every back end's output. Functions written by the user are always kept.
 */
public final class UnusedLibraryFunctions {
    private UnusedLibraryFunctions() {}

    /** {@code module} without the unreachable functions defined in the files named in {@code libraryFiles}. */
    public static KModule prune(KModule module, Set<String> libraryFiles) {
        Set<KFunction> reached = new HashSet<>();
        Deque<KFunction> work = new ArrayDeque<>();
        for (KFunction f : module.functions()) {
            if (!fromLibrary(f, libraryFiles)) {
                reached.add(f);
                work.add(f);
            }
        }
        while (!work.isEmpty()) {
            KFunction f = work.pop();
            if (f.body() == null) {
                continue;
            }
            KirWalk.expressions(f.body(), e -> {
                if (e instanceof KExpr.Call c && reached.add(c.callee())) {
                    work.add(c.callee());
                }
            });
        }
        if (reached.size() == module.functions().size()) {
            return module;
        }
        List<KFunction> kept = new ArrayList<>();
        for (KFunction f : module.functions()) {
            if (reached.contains(f)) {
                kept.add(f);
            }
        }
        return new KModule(module.sourceName(), kept, module.globals(), module.structs());
    }

    private static boolean fromLibrary(KFunction f, Set<String> libraryFiles) {
        return !f.isKernel() && f.pos() != null && f.pos().file() != null
                && libraryFiles.contains(f.pos().file().name());
    }
}
