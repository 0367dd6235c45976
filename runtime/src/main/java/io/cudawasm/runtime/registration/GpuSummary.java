package io.cudawasm.runtime.registration;

/**
 * The node's GPUs in the few fields labels carry, and where the facts came from.
 *
 * @param vendor    {@code nvidia}, {@code amd}, {@code intel} or {@code none}
 * @param model     product or vGPU profile name, null when there is no GPU
 * @param mode      {@code passthrough}, {@code vgpu}, {@code none}, or null when it cannot be known (a GPU
 *                  seen only from inside the VM, with no Prism to say how it is attached)
 * @param memoryMib one GPU's frame buffer, 0 when unknown or no GPU
 * @param source    {@code prism} (what is attached to the VM) or {@code local} (what the back ends see)
 */
public record GpuSummary(String vendor, String model, String mode, int count, long memoryMib, String source) {}
