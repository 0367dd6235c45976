package io.cudawasm.runtime.cli;

import io.cudawasm.runtime.cache.CacheEntrySummary;
import io.cudawasm.runtime.cache.CacheSettings;
import io.cudawasm.runtime.cache.KernelCache;
import io.cudawasm.runtime.cache.PruneResult;
import io.cudawasm.runtime.service.kernels.KernelStore;
import io.cudawasm.runtime.service.kernels.PrewarmList;
import io.cudawasm.runtime.service.config.WorkerConfig;
import io.cudawasm.runtime.service.kernels.Prewarmer;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm cache warm|ls|prune}: the kernel cache folder from the command line, for example
 * to pre-compile an edge site's kernels into an image or a volume before the worker starts.
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Manage the kernel cache folder (CUDA_WASM_KERNEL_CACHE_DIR).",
        subcommands = {CacheCommand.Warm.class, CacheCommand.Ls.class, CacheCommand.Prune.class})
public final class CacheCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--cache-dir", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The cache folder (default: CUDA_WASM_KERNEL_CACHE_DIR, else ~/.cache/cuda-wasm/kernels).")
    Path cacheDir;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    CacheSettings settings() {
        CacheSettings env = CacheSettings.fromEnvironment(System.getenv());
        return cacheDir == null ? env : new CacheSettings(cacheDir, env.maxBytes(), env.tempMaxAge());
    }

    /** Compiles every kernel of a list file into the cache. */
    @Command(name = "warm", mixinStandardHelpOptions = true,
            description = "Compile the kernels of a list file into the cache (lines: lib:NAME or a path, with -D).",
            footer = {"", "List file example:", "  lib:saxpy", "  lib:matmul_naive -DTILE=16",
                "  kernels/reduce.cu --instantiate 'reduce<float, 256>'"})
    static final class Warm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        CacheCommand parent;

        @Parameters(index = "0", paramLabel = "LIST", description = "The list file.")
        Path list;

        @Mixin
        CompileOptionsMixin compile = new CompileOptionsMixin();

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            List<PrewarmList.Item> items = PrewarmList.read(list, compile.defineMap());
            try (WorkerMetrics metrics = new WorkerMetrics()) {
                KernelCache cache = KernelCache.open(parent.settings());
                List<Prewarmer.Outcome> outcomes = new Prewarmer(new KernelStore(cache, metrics, 1), null).warm(items);
                int failed = 0;
                for (Prewarmer.Outcome o : outcomes) {
                    String status = o.status() == Prewarmer.Status.DISK ? "cached" : o.status().name().toLowerCase(Locale.ROOT);
                    out.printf("%-9s %s  %s%s%n", status, o.id() == null ? "-".repeat(64) : o.id(), o.ref(),
                            o.message() == null ? "" : "\n    " + o.message());
                    failed += o.status() == Prewarmer.Status.FAILED ? 1 : 0;
                }
                out.printf("%d kernels in %s (%d failed)%n", outcomes.size(), cache.directory(), failed);
                out.flush();
                return failed == 0 ? 0 : 1;
            }
        }
    }

    /** Lists entries, most recently used first. */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List cache entries, most recently used first.")
    static final class Ls implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        CacheCommand parent;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            KernelCache cache = KernelCache.open(parent.settings());
            List<CacheEntrySummary> entries = cache.list();
            long total = 0;
            for (CacheEntrySummary e : entries) {
                out.printf("%s  %9d B  %s  %s  %s%n", e.id(), e.diskBytes(), e.lastAccess(), e.target(),
                        String.join(",", e.artifactNames()));
                total += e.diskBytes();
            }
            out.printf("%d entries, %d bytes in %s (cap %d)%n", entries.size(), total, cache.directory(),
                    cache.settings().maxBytes());
            out.flush();
            return 0;
        }
    }

    /** Evicts least recently used entries down to a size, or entries idle for a while. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Evict least recently used entries down to a size, or entries unused for a while.")
    static final class Prune implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        CacheCommand parent;

        @Option(names = "--max-bytes", paramLabel = "SIZE",
                description = "Keep at most this many bytes, e.g. 2Gi (default: CUDA_WASM_CACHE_MAX_BYTES).")
        String maxBytes;

        @Option(names = "--older-than", paramLabel = "DURATION",
                description = "Evict entries unused for this long: seconds or ISO-8601 (P7D, PT12H).")
        String olderThan;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            CacheSettings settings = parent.settings();
            KernelCache cache = KernelCache.open(settings);
            PruneResult r;
            if (olderThan != null) {
                if (maxBytes != null) {
                    throw new IllegalArgumentException("give --max-bytes or --older-than, not both");
                }
                r = cache.prune(duration(olderThan));
            } else {
                long cap;
                try {
                    cap = maxBytes == null ? settings.maxBytes() : WorkerConfig.parseBytes(maxBytes);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--max-bytes: " + e.getMessage(), e);
                }
                r = cache.prune(cap);
            }
            out.printf("removed %d entries (%d bytes) and %d leftovers; %d entries (%d bytes) remain%n",
                    r.entriesRemoved(), r.bytesRemoved(), r.tempItemsRemoved(), r.entriesRemaining(), r.bytesRemaining());
            out.flush();
            return 0;
        }

        private static Duration duration(String text) {
            try {
                return text.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(text))
                        : Duration.parse(text);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IllegalArgumentException("--older-than: not seconds or an ISO-8601 duration: " + text);
            }
        }
    }
}
