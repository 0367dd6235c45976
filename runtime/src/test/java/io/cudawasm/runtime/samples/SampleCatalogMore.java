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

/** More of {@link SampleCatalog}: histograms, scans, sorting networks, convolution, transforms, votes. */
final class SampleCatalogMore {
    private SampleCatalogMore() {}

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("2_Concepts_and_Techniques/histogram/histogram256.cu",
                "histogram256Kernel, mergeHistogram256Kernel", r -> {
                    int words = 240 * 192 * 4;
                    String data = "random:" + words + ":16:0:4294967295";
                    int[] w = ints(gen(data, ElementType.U32));
                    Map<String, byte[]> part = r.run("2_Concepts_and_Techniques/histogram/histogram256.cu",
                            "histogram256Kernel", "240", "192", 0, List.of("zeros:61440", data, Integer.toString(words)),
                            List.of("d_PartialHistograms"));
                    Map<String, byte[]> h = r.run("2_Concepts_and_Techniques/histogram/histogram256.cu",
                            "mergeHistogram256Kernel", "256", "256", 0, List.of("zeros:256", "file:" + writeFile(r.work(),
                                    "partial256.bin", part.get("d_PartialHistograms")), "240"), List.of("d_Histogram"));
                    int[] e = new int[256];
                    for (int v : w) {
                        for (int b = 0; b < 4; b++) {
                            e[(v >>> (8 * b)) & 0xFF]++;
                        }
                    }
                    exact("histogram", e, ints(h.get("d_Histogram")));
                }));
        s.add(new Sample("2_Concepts_and_Techniques/histogram/histogram64.cu", "histogram64Kernel, mergeHistogram64Kernel",
                r -> {
                    int bytes = 64 * 240 * 16;
                    int count = bytes / 16;
                    String data = "random:" + count + ":17";
                    byte[] raw = gen("random:" + bytes + ":17:0:255", ElementType.U8);
                    Map<String, byte[]> part = r.run("2_Concepts_and_Techniques/histogram/histogram64.cu",
                            "histogram64Kernel", "16", "64", 0, List.of("zeros:1024", data, Integer.toString(count)),
                            List.of("d_PartialHistograms"));
                    Map<String, byte[]> h = r.run("2_Concepts_and_Techniques/histogram/histogram64.cu",
                            "mergeHistogram64Kernel", "64", "256", 0, List.of("zeros:64", "file:" + writeFile(r.work(),
                                    "partial64.bin", part.get("d_PartialHistograms")), "16"), List.of("d_Histogram"));
                    int[] e = new int[64];
                    for (byte b : raw) {
                        e[(b & 0xFF) >> 2]++;
                    }
                    exact("histogram", e, ints(h.get("d_Histogram")));
                }));
        s.add(new Sample("2_Concepts_and_Techniques/scan/scan.cu", "scanExclusiveShared", r -> {
            int arrays = 16;
            int length = 1024;
            String data = "random:" + arrays * length / 4 + ":18";
            int[] in = ints(gen("random:" + arrays * length * 4 + ":18:0:255", ElementType.U8));
            Map<String, byte[]> o = r.run("2_Concepts_and_Techniques/scan/scan.cu", "scanExclusiveShared",
                    Integer.toString(arrays * length / (4 * 256)), "256", 0, List.of("zeros:" + arrays * length / 4, data,
                            Integer.toString(length)), List.of("d_Dst"));
            int[] e = new int[in.length];
            for (int a = 0; a < arrays; a++) {
                int sum = 0;
                for (int i = 0; i < length; i++) {
                    e[a * length + i] = sum;
                    sum += in[a * length + i];
                }
            }
            exact("d_Dst", e, ints(o.get("d_Dst")));
        }));
        for (String kernel : List.of("bitonicSortShared", "oddEvenMergeSortShared")) {
            String file = kernel.startsWith("bitonic") ? "2_Concepts_and_Techniques/sortingNetworks/bitonicSort.cu"
                    : "2_Concepts_and_Techniques/sortingNetworks/oddEvenMergeSort.cu";
            s.add(new Sample(file, kernel, r -> {
                int arrays = 8;
                int length = 1024;
                String keys = "random:" + arrays * length + ":19:0:4294967295";
                int[] k = ints(gen(keys, ElementType.U32));
                Map<String, byte[]> o = r.run(file, kernel, Integer.toString(arrays), "512", 0,
                        List.of("zeros:8192", "zeros:8192", keys, "iota:8192", Integer.toString(length), "1"),
                        List.of("d_DstKey", "d_DstVal"));
                int[] dk = ints(o.get("d_DstKey"));
                int[] dv = ints(o.get("d_DstVal"));
                for (int a = 0; a < arrays; a++) {
                    boolean[] seen = new boolean[length];
                    for (int i = 0; i < length; i++) {
                        int at = a * length + i;
                        if (i > 0 && Integer.compareUnsigned(dk[at - 1], dk[at]) > 0) {
                            throw new Mismatch("array " + a + " is not sorted at " + i);
                        }
                        int v = dv[at] - a * length;
                        if (v < 0 || v >= length || seen[v] || k[dv[at]] != dk[at]) {
                            throw new Mismatch("array " + a + ": value " + dv[at] + " does not travel with its key");
                        }
                        seen[v] = true;
                    }
                }
            }));
        }
        s.add(new Sample("2_Concepts_and_Techniques/convolutionSeparable/convolutionSeparable.cu",
                "convolutionRowsKernel, convolutionColumnsKernel", r -> {
                    int w = 512;
                    int h = 512;
                    int radius = 8;
                    float[] src = floats(gen("random:262144:21", ElementType.F32));
                    float[] kernelTaps = floats(gen("random:17:22", ElementType.F32));
                    String kArg = "c_Kernel=random:17:22";
                    Map<String, byte[]> rows = r.run("2_Concepts_and_Techniques/convolutionSeparable/convolutionSeparable.cu",
                            "convolutionRowsKernel", (w / 128) + "," + (h / 4), "16,4", 0,
                            List.of("zeros:262144", "random:262144:21", "512", "512", "512"), List.of("d_Dst"),
                            "--constant", kArg);
                    Map<String, byte[]> cols = r.run("2_Concepts_and_Techniques/convolutionSeparable/convolutionSeparable.cu",
                            "convolutionColumnsKernel", (w / 16) + "," + (h / 64), "16,8", 0,
                            List.of("zeros:262144", "file:" + writeFile(r.work(), "rows.bin", rows.get("d_Dst")), "512",
                                    "512", "512"), List.of("d_Dst"), "--constant", kArg);
                    double[] byRows = new double[w * h];
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            double sum = 0;
                            for (int k = -radius; k <= radius; k++) {
                                int d = x + k;
                                if (d >= 0 && d < w) {
                                    sum += src[y * w + d] * kernelTaps[radius - k];
                                }
                            }
                            byRows[y * w + x] = sum;
                        }
                    }
                    relativeL1("rows", byRows, floats(rows.get("d_Dst")), 1e-6);
                    double[] both = new double[w * h];
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            double sum = 0;
                            for (int k = -radius; k <= radius; k++) {
                                int d = y + k;
                                if (d >= 0 && d < h) {
                                    sum += byRows[d * w + x] * kernelTaps[radius - k];
                                }
                            }
                            both[y * w + x] = sum;
                        }
                    }
                    relativeL1("columns", both, floats(cols.get("d_Dst")), 1e-6);
                }));
        s.add(new Sample("5_Domain_Specific/fastWalshTransform/fastWalshTransform.cu", "fwtBatch1Kernel, modulateKernel",
                r -> {
                    int log2N = 10;
                    int n = 1 << log2N;
                    int batch = 8;
                    float[] data = floats(gen("random:8192:23:-1:1", ElementType.F32));
                    Map<String, byte[]> o = r.run("5_Domain_Specific/fastWalshTransform/fastWalshTransform.cu",
                            "fwtBatch1Kernel", Integer.toString(batch), Integer.toString(n / 4), n * 4,
                            List.of("zeros:8192", "random:8192:23:-1:1", Integer.toString(log2N)), List.of("d_Output"));
                    double[] e = new double[data.length];
                    for (int b = 0; b < batch; b++) {
                        double[] d = new double[n];
                        for (int i = 0; i < n; i++) {
                            d[i] = data[b * n + i];
                        }
                        for (int stride = n / 2; stride >= 1; stride >>= 1) {
                            for (int base = 0; base < n; base += 2 * stride) {
                                for (int j = base; j < base + stride; j++) {
                                    double d1 = d[j];
                                    double d2 = d[j + stride];
                                    d[j] = d1 + d2;
                                    d[j + stride] = d1 - d2;
                                }
                            }
                        }
                        System.arraycopy(d, 0, e, b * n, n);
                    }
                    relativeL1("fwt", e, floats(o.get("d_Output")), 1e-6);
                    float[] a = floats(gen("random:4096:24", ElementType.F32));
                    float[] bb = floats(gen("random:4096:25", ElementType.F32));
                    Map<String, byte[]> m = r.run("5_Domain_Specific/fastWalshTransform/fastWalshTransform.cu",
                            "modulateKernel", "128", "256", 0, List.of("random:4096:24", "random:4096:25", "4096"),
                            List.of("d_A"));
                    float[] em = new float[4096];
                    float q = 1.0f / 4096;
                    for (int i = 0; i < 4096; i++) {
                        em[i] = a[i] * bb[i] * q;
                    }
                    exact("modulate", em, floats(m.get("d_A")));
                }));
        s.add(new Sample("0_Introduction/simpleVoteIntrinsics/simpleVoteIntrinsics.cu",
                "VoteAnyKernel1, VoteAllKernel2, VoteAnyKernel3", r -> {
                    int n = 128;
                    int[] pattern = new int[n];
                    for (int i = 0; i < n; i++) {
                        // a quarter of zeros, a quarter of ones, half-and-half in each warp, and alternating ones
                        pattern[i] = i < 32 ? 0 : i < 64 ? 1 : i < 96 ? (i % 32 < 16 ? 1 : 0) : (i & 1);
                    }
                    String in = "file:" + writeFile(r.work(), "votes.bin",
                            io.cudawasm.runtime.backend.check.CaseBuilder.bytes(pattern));
                    Map<String, byte[]> any = r.run("0_Introduction/simpleVoteIntrinsics/simpleVoteIntrinsics.cu",
                            "VoteAnyKernel1", "1", "128", 0, List.of(in, "zeros:128", "128"), List.of("result"));
                    Map<String, byte[]> all = r.run("0_Introduction/simpleVoteIntrinsics/simpleVoteIntrinsics.cu",
                            "VoteAllKernel2", "1", "128", 0, List.of(in, "zeros:128", "128"), List.of("result"));
                    int[] ea = new int[n];
                    int[] el = new int[n];
                    for (int w = 0; w < 4; w++) {
                        boolean anyOne = false;
                        boolean allOne = true;
                        for (int l = 0; l < 32; l++) {
                            anyOne |= pattern[32 * w + l] != 0;
                            allOne &= pattern[32 * w + l] != 0;
                        }
                        for (int l = 0; l < 32; l++) {
                            ea[32 * w + l] = anyOne ? 1 : 0;
                            el[32 * w + l] = allOne ? 1 : 0;
                        }
                    }
                    exact("any", ea, ints(any.get("result")));
                    exact("all", el, ints(all.get("result")));
                    Map<String, byte[]> info = r.run("0_Introduction/simpleVoteIntrinsics/simpleVoteIntrinsics.cu",
                            "VoteAnyKernel3", "1", "96", 0, List.of("zeros:288", "32"), List.of("info"));
                    byte[] b = info.get("info");
                    for (int t = 0; t < 96; t++) {
                        int warp = t / 32;
                        int[] want = {warp >= 1 ? 1 : 0, t >= 48 ? 1 : 0, warp == 2 ? 1 : 0};
                        for (int k = 0; k < 3; k++) {
                            if (b[3 * t + k] != want[k]) {
                                throw new Mismatch("info[" + (3 * t + k) + "] = " + b[3 * t + k] + ", expected " + want[k]);
                            }
                        }
                    }
                }));
        s.add(new Sample("0_Introduction/simpleOccupancy/simpleOccupancy.cu", "square", r -> {
            Map<String, byte[]> o = r.run("0_Introduction/simpleOccupancy/simpleOccupancy.cu", "square", "40", "256", 1024,
                    List.of("iota:10000:-5000", "10000"), List.of("array"));
            int[] e = new int[10000];
            for (int i = 0; i < e.length; i++) {
                e[i] = (i - 5000) * (i - 5000);
            }
            exact("array", e, ints(o.get("array")));
        }));
        s.addAll(SampleCatalogExtra.all());
        s.addAll(SampleCatalogGroups.all());
        s.addAll(SampleCatalogAsm.all());
        s.addAll(SampleCatalogDynamic.all());
        s.addAll(SampleCatalogGrid.all());
        return s;
    }

    static byte[] floatBytes(float[] f) {
        return bytes(f);
    }
}
