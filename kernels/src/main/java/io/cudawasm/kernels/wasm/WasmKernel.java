package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.abi.KernelSignature;

/**
 * A kernel in a compiled Wasm module.
 *
 * @param export the runner export: {@code (launchPtr, firstBlock, blockCount) -> ()}
 * @param frameBytes bytes of memory-resident locals per thread
 * @param perThreadFrames true when every thread of a block needs its own frame at the same time
 *     (barrier kernels run thread loops region by region), false when one frame is reused
 * @param callStackBytes worst-case stack of device-function calls (a fixed budget under recursion)
 * @param barriers true when the kernel synchronizes (its blocks run region by region)
 * @param gridSync true when the kernel synchronizes the whole grid ({@code grid.sync()}): it runs
 *     only in a cooperative launch, every block on its own worker at once
 * @param clusterDims the thread block cluster shape the kernel declares ({@code __cluster_dims__},
 *     {@code .reqnctapercluster}), or null: the launch then chooses, one block without clusters
 * @param independentThreads the kernel's threads wait for each other where a block run thread by
 *     thread between barriers cannot interleave them (a pipeline with producer and consumer roles):
 *     it runs on the module's independent-threads variant ({@link WasmOptions#independentThreads})
 */
public record WasmKernel(KernelSignature signature, String export, int frameBytes, boolean perThreadFrames,
        int callStackBytes, boolean barriers, boolean gridSync, io.cudawasm.kernels.kir.ClusterDims clusterDims,
        boolean independentThreads) {

    /** Stack bytes one worker needs for a block of {@code threads} threads. */
    public long stackBytes(int threads) {
        return (perThreadFrames ? (long) frameBytes * threads : frameBytes) + callStackBytes + 64;
    }
}
