package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One launch of a job, as sent.
 *
 * @param kernel kernel name; may be left out when the module has one kernel
 * @param grid blocks: {@code 4096}, {@code [64, 64]} or {@code "64,64"}
 * @param block threads per block, same forms
 * @param args by position (array) or by parameter name (object); see the API reference
 * @param symbols {@code __constant__}/{@code __device__} variables to fill before this launch
 * @param cooperative a cooperative launch (cudaLaunchCooperativeKernel): all blocks at once, the grid
 *     bounded by what the device runs at once; a kernel that calls {@code grid.sync()} is launched so
 *     anyway (WebAssembly path)
 * @param cluster the thread block cluster shape in blocks (cudaLaunchAttributeClusterDimension), same
 *     forms as grid; left out, the kernel's {@code __cluster_dims__} or clusters of one block
 * @param independentThreads independent thread scheduling: every CUDA thread on a host thread of its
 *     own (WebAssembly path; slower), for kernels whose threads wait for each other in a block
 */
public record LaunchRequest(String kernel, JsonNode grid, JsonNode block, Integer sharedBytes, JsonNode args,
        Map<String, JsonNode> symbols, Boolean cooperative, JsonNode cluster, Boolean independentThreads) {}
