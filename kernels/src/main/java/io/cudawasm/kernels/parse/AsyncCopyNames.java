package io.cudawasm.kernels.parse;

import io.cudawasm.kernels.lex.Token;
import java.util.Map;
import java.util.Set;

/**
 * The qualified names of the asynchronous-copy headers: namespaces are flat in this compiler, so
 * {@code cuda::barrier} and friends are declared by the built-in headers under reserved names
 * ({@code __cuda_barrier}), {@code cg::memcpy_async}, {@code cg::wait} and {@code cg::wait_prior}
 * as {@code __cg_...}; a user's own {@code barrier}, {@code pipeline} or {@code wait} keeps its name.
 */
final class AsyncCopyNames {
    private AsyncCopyNames() {}

    private static final Set<String> CUDA = Set.of("barrier", "pipeline", "pipeline_shared_state", "make_pipeline",
            "memcpy_async", "aligned_size_t", "thread_scope", "thread_scope_system", "thread_scope_device",
            "thread_scope_block", "thread_scope_thread", "pipeline_consumer_wait_prior", "pipeline_producer_commit");
    private static final java.util.List<String> DEVICE_NAMESPACES = java.util.List.of("cuda::device::experimental::",
            "cuda::device::");
    private static final Set<String> DEVICE = Set.of("memcpy_async_tx", "barrier_arrive_tx", "barrier_expect_tx",
            "cp_async_bulk_global_to_shared", "cp_async_bulk_shared_to_global", "fence_proxy_async_shared_cta",
            "cp_async_bulk_commit_group", "cp_async_bulk_wait_group_read", "barrier_native_handle");
    private static final Set<String> PTX = Set.of("space_global", "space_shared", "space_cluster", "sem_release",
            "sem_relaxed", "sem_acquire", "scope_cta", "scope_cluster", "space_global_t", "space_shared_t",
            "space_cluster_t", "sem_release_t", "sem_relaxed_t", "sem_acquire_t", "scope_cta_t", "scope_cluster_t",
            "n32_t", "cp_async_bulk", "cp_async_bulk_tensor", "cp_async_bulk_commit_group", "cp_async_bulk_wait_group",
            "cp_async_bulk_wait_group_read", "fence_proxy_async", "fence_mbarrier_init", "mbarrier_init", "mbarrier_arrive",
            "mbarrier_arrive_expect_tx", "mbarrier_expect_tx", "mbarrier_try_wait", "mbarrier_try_wait_parity",
            "mbarrier_test_wait", "mbarrier_test_wait_parity", "cp_reduce_async_bulk_tensor", "op_add", "op_min", "op_max",
            "op_inc", "op_dec", "op_and_op", "op_or_op", "op_xor_op", "op_add_t", "op_min_t", "op_max_t", "op_inc_t",
            "op_dec_t", "op_and_op_t", "op_or_op_t", "op_xor_op_t");
    private static final Set<String> GROUPS = Set.of("memcpy_async", "wait", "wait_prior");

    /** The reserved name for a qualified name, or null when it is not one of these. */
    static String reserved(String qualified, Map<String, String> aliases, Token at) {
        int split = qualified.indexOf("::");
        if (split <= 0) {
            return null;
        }
        String ns = qualified.substring(0, split);
        ns = aliases.getOrDefault(ns, ns);
        String rest = qualified.substring(split + 2);
        String full = ns + "::" + rest;
        for (String prefix : DEVICE_NAMESPACES) {
            if (full.startsWith(prefix) && full.indexOf("::", prefix.length()) < 0) {
                String name = full.substring(prefix.length());
                // sm_90's bulk copies into a cuda::barrier (cuda::device and cuda::device::experimental)
                return DEVICE.contains(name) || name.startsWith("cp_async_bulk_tensor_") ? "__cuda_device_" + name : null;
            }
        }
        if (full.startsWith("cuda::ptx::") && full.indexOf("::", "cuda::ptx::".length()) < 0) {
            // libcu++'s PTX wrappers (cuda/ptx): their tag types and values too
            String name = full.substring("cuda::ptx::".length());
            return PTX.contains(name) ? "__cuda_ptx_" + name : null;
        }
        if (ns.equals("cuda")) {
            if (rest.equals("pipeline_role") || rest.startsWith("pipeline_role::")) {
                return "__cuda_" + rest.replace("::", "_"); // accepted; a pipeline made with roles stops the kernel where it is made
            }
            return CUDA.contains(rest) ? "__cuda_" + rest : null;
        }
        if (ns.equals("cooperative_groups") && GROUPS.contains(rest)) {
            return "__cg_" + rest;
        }
        return null;
    }
}
