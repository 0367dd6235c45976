package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.bytes;
import static io.cudawasm.runtime.samples.PublicSamplesRun.exact;
import static io.cudawasm.runtime.samples.PublicSamplesRun.floats;
import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;
import static io.cudawasm.runtime.samples.PublicSamplesRun.relativeL1;
import static io.cudawasm.runtime.samples.PublicSamplesRun.writeFile;

import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Samples that needed members defined outside their classes, {@code typename C<T>::Type}, host
 * classes naming host-only types, device {@code memcpy}, vector shuffles of a tile, or a sample's own
 * include folder: FDTD3d, shfl_scan, simpleVulkan, simpleCallback, nbody. References written here.
 */
final class SampleCatalogMembers {
    private SampleCatalogMembers() {}

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("5_Domain_Specific/FDTD3d/src/FDTD3dGPU.cu", "FiniteDifferencesKernel (-I inc)", r -> {
            int radius = 4;
            int dimx = 64;
            int dimy = 32;
            int dimz = 12;
            int sy = dimx + 2 * radius;
            int sz = sy * (dimy + 2 * radius);
            int volume = sz * (dimz + 2 * radius);
            float[] in = floats(gen("random:" + volume + ":41", ElementType.F32));
            float[] stencil = {-0.75f, 0.25f, 0.125f, 0.0625f, 0.03125f};
            String inFile = "file:" + writeFile(r.work(), "fdtd-in.bin", bytes(in));
            Map<String, byte[]> o = r.run("5_Domain_Specific/FDTD3d/src/FDTD3dGPU.cu", "FiniteDifferencesKernel", "2,2",
                    "32,16", 0, List.of(inFile, inFile, Integer.toString(dimx), Integer.toString(dimy),
                            Integer.toString(dimz)), List.of("output"), "-I",
                    r.sample("5_Domain_Specific/FDTD3d/inc").toString(), "--constant",
                    "stencil=file:" + writeFile(r.work(), "fdtd-stencil.bin", bytes(stencil)));
            float[] expected = in.clone();
            for (int z = 0; z < dimz; z++) {
                for (int y = 0; y < dimy; y++) {
                    for (int x = 0; x < dimx; x++) {
                        int c = (z + radius) * sz + (y + radius) * sy + x + radius;
                        float v = stencil[0] * in[c];
                        for (int i = 1; i <= radius; i++) {
                            // the kernel's order: in front, behind, above, below, left, right
                            float sum = in[c + i * sz] + in[c - i * sz] + in[c - i * sy] + in[c + i * sy] + in[c - i]
                                    + in[c + i];
                            v += stencil[i] * sum;
                        }
                        expected[c] = v;
                    }
                }
            }
            exact("output", expected, floats(o.get("output")));
        }));
        s.add(new Sample("2_Concepts_and_Techniques/shfl_scan/shfl_scan.cu",
                "shfl_intimage_rows (memcpy, tile.shfl_xor of uint4)", r -> {
                    int w = 1920;
                    int h = 6;
                    byte[] image = gen("random:" + w * h + ":43:0:255", ElementType.U8);
                    Map<String, byte[]> o = r.run("2_Concepts_and_Techniques/shfl_scan/shfl_scan.cu", "shfl_intimage_rows",
                            Integer.toString(h), Integer.toString(w / 16), 0,
                            List.of("file:" + writeFile(r.work(), "shfl-image.bin", image), "zeros:" + w * h / 4),
                            List.of("integral_image"));
                    int[] expected = new int[w * h];
                    for (int y = 0; y < h; y++) {
                        int sum = 0;
                        for (int x = 0; x < w; x++) {
                            sum += image[y * w + x] & 0xFF;
                            expected[y * w + x] = sum;
                        }
                    }
                    exact("integral_image", expected, ints(o.get("integral_image")));
                }));
        s.add(new Sample("5_Domain_Specific/simpleVulkan/SineWaveSimulation.cu", "sinewave (host class with cudaStream_t)",
                r -> {
                    int width = 256;
                    int height = 96;
                    float time = 0.75f;
                    Map<String, byte[]> o = r.run("5_Domain_Specific/simpleVulkan/SineWaveSimulation.cu", "sinewave", "24",
                            "32", 0, List.of("zeros:" + width * height, Integer.toString(width), Integer.toString(height),
                                    Float.toString(time)), List.of("heightMap"));
                    double[] expected = new double[width * height];
                    for (int tid = 0; tid < expected.length; tid++) {
                        int y = tid / width;
                        int x = tid - y * width;
                        float u = ((2.0f * x) / width) - 1.0f;
                        float v = ((2.0f * y) / height) - 1.0f;
                        expected[tid] = 0.5 * Math.sin(u * 4.0f + time) * Math.cos(v * 4.0f + time);
                    }
                    relativeL1("heightMap", expected, floats(o.get("heightMap")), 1e-5);
                }));
        s.add(new Sample("0_Introduction/simpleCallback/simpleCallback.cu", "incKernel (host pthread types)", r -> {
            int n = 100000;
            int[] data = ints(gen("random:" + n + ":44:-1000:1000", ElementType.I32));
            Map<String, byte[]> o = r.run("0_Introduction/simpleCallback/simpleCallback.cu", "incKernel",
                    Integer.toString((n + 511) / 512), "512", 0, List.of("random:" + n + ":44:-1000:1000",
                            Integer.toString(n)), List.of("data"));
            for (int i = 0; i < n; i++) {
                data[i]++;
            }
            exact("data", data, ints(o.get("data")));
        }));
        s.add(new Sample("5_Domain_Specific/nbody/bodysystemcuda.cu",
                "integrateBodies<float> (typename vec4<T>::Type, SharedMemory)", r -> {
                    int n = 512;
                    int block = 128;
                    float dt = 0.016f;
                    float damping = 0.995f;
                    float soft = 0.00125f;
                    float[] pos = floats(gen("random:" + 4 * n + ":45", ElementType.F32));
                    float[] vel = floats(gen("random:" + 4 * n + ":46", ElementType.F32));
                    for (int i = 0; i < n; i++) {
                        pos[4 * i + 3] = 0.5f + pos[4 * i + 3]; // masses
                    }
                    String posFile = "file:" + writeFile(r.work(), "nbody-pos.bin", bytes(pos));
                    Map<String, byte[]> o = r.run("5_Domain_Specific/nbody/bodysystemcuda.cu", "integrateBodies<float>",
                            Integer.toString(n / block), Integer.toString(block), block * 16,
                            // files, not counts: the PTX path sees vec4<float>::Type only by name, not as float4
                            List.of("file:" + writeFile(r.work(), "nbody-new.bin", new byte[16 * n]), posFile, "file:" + writeFile(r.work(), "nbody-vel.bin", bytes(vel)),
                                    "0", Integer.toString(n), Float.toString(dt), Float.toString(damping),
                                    Integer.toString(n / block)), List.of("newPos", "vel"),
                            "--instantiate", "integrateBodies<float>", "--constant",
                            "softeningSquared=file:" + writeFile(r.work(), "nbody-soft.bin", bytes(new float[] {soft})));
                    double[] newPos = new double[4 * n];
                    double[] newVel = new double[4 * n];
                    for (int i = 0; i < n; i++) {
                        double[] acc = new double[3];
                        for (int j = 0; j < n; j++) {
                            double[] d = new double[3];
                            for (int k = 0; k < 3; k++) {
                                d[k] = pos[4 * j + k] - pos[4 * i + k];
                            }
                            double dist2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + soft;
                            double inv = 1 / Math.sqrt(dist2);
                            double scale = pos[4 * j + 3] * inv * inv * inv;
                            for (int k = 0; k < 3; k++) {
                                acc[k] += d[k] * scale;
                            }
                        }
                        for (int k = 0; k < 3; k++) {
                            double v = (vel[4 * i + k] + acc[k] * dt) * damping;
                            newVel[4 * i + k] = v;
                            newPos[4 * i + k] = pos[4 * i + k] + v * dt;
                        }
                        newVel[4 * i + 3] = vel[4 * i + 3];
                        newPos[4 * i + 3] = pos[4 * i + 3];
                    }
                    relativeL1("newPos", newPos, floats(o.get("newPos")), 1e-5);
                    relativeL1("vel", newVel, floats(o.get("vel")), 1e-4);
                }));
        return s;
    }
}
