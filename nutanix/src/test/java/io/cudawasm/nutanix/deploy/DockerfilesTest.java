package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** There is no Docker engine here: check what can be checked without building the images. */
class DockerfilesTest {
    private static final Path ROOT = RepositoryRoot.find();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final Pattern FROM = Pattern.compile("^(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern BUILD_OUTPUT = Pattern.compile("^/src/([a-z0-9-]+)/target/([A-Za-z0-9._-]+)\\.jar$");

    private static Dockerfile read(String name) throws IOException {
        return Dockerfile.parse(DOCKER.resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel", "Dockerfile.tornadovm"})
    void parsesIntoKnownInstructionsWithValidStages(String name) throws IOException {
        Dockerfile file = read(name);
        assertFalse(file.instructions().isEmpty());
        Set<String> globalArgs = new HashSet<>();
        Set<String> stages = new HashSet<>();
        boolean seenFrom = false;
        for (Dockerfile.Instruction i : file.instructions()) {
            assertTrue(Dockerfile.KNOWN.contains(i.keyword()), name + ":" + i.line() + " unknown instruction " + i.keyword());
            if (i.keyword().equals("ARG") && !seenFrom) {
                globalArgs.add(i.arguments().split("=", 2)[0]);
            }
            if (i.keyword().equals("FROM")) {
                seenFrom = true;
                Matcher m = FROM.matcher(i.arguments());
                assertTrue(m.matches(), name + ":" + i.line() + " malformed FROM " + i.arguments());
                Matcher variable = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(m.group(1));
                while (variable.find()) {
                    assertTrue(globalArgs.contains(variable.group(1)),
                            name + ":" + i.line() + " FROM uses " + variable.group(1) + " not declared before the first FROM");
                }
                if (m.group(2) != null) {
                    stages.add(m.group(2));
                }
            }
            if (i.keyword().equals("COPY") && i.arguments().startsWith("--from=")) {
                String stage = i.arguments().substring("--from=".length()).split("\\s+")[0];
                assertTrue(stages.contains(stage), name + ":" + i.line() + " copies from unknown stage " + stage);
            }
        }
        assertFalse(file.instructions().get(0).keyword().equals("RUN"), "must start with ARG or FROM");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel"})
    void copySourcesExistOrAreBuilt(String name) throws Exception {
        Dockerfile file = read(name);
        List<String> built = new ArrayList<>();
        for (Dockerfile.Instruction copy : file.all("COPY")) {
            String[] parts = copy.arguments().split("\\s+");
            boolean fromStage = parts[0].startsWith("--from=");
            List<String> sources = List.of(parts).subList(fromStage ? 1 : 0, parts.length - 1);
            for (String source : sources) {
                if (fromStage) {
                    Matcher m = BUILD_OUTPUT.matcher(source);
                    assertTrue(m.matches(), name + ": unexpected build-stage path " + source);
                    assertEquals(m.group(2), shadeFinalName(m.group(1)),
                            name + ": " + source + " is not what " + m.group(1) + "/pom.xml's shade plugin produces");
                    built.add(source);
                } else {
                    assertTrue(Files.exists(ROOT.resolve(source)), name + ": COPY source " + source + " is not in the repository");
                }
            }
        }
        assertEquals(List.of("/src/runtime/target/cuda-wasm.jar", "/src/bench/target/benchmarks.jar"), built);
        String copies = String.join("\n", file.all("COPY").stream().map(Dockerfile.Instruction::arguments).toList());
        assertTrue(copies.contains("/src/runtime/target/cuda-wasm.jar " + WorkerEnvironment.WORKER_JAR), copies);
        assertTrue(copies.contains("/src/bench/target/benchmarks.jar " + WorkerEnvironment.BENCHMARKS_JAR), copies);
        assertTrue(file.all("RUN").stream().anyMatch(r -> r.arguments().contains("mvn -B -DskipTests package")));
        assertTrue(Files.readString(DOCKER.resolve(name + ".dockerignore")).contains("**/target"),
                "build output of the host must not enter the build context");
    }

    /** The {@code finalName} of the module's shade execution, read from its pom. */
    private static String shadeFinalName(String module) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve(module).resolve("pom.xml").toFile());
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            String text = plugins.item(i).getTextContent();
            if (text.contains("maven-shade-plugin")) {
                NodeList names = ((org.w3c.dom.Element) plugins.item(i)).getElementsByTagName("finalName");
                return names.getLength() == 0 ? null : names.item(0).getTextContent().strip();
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel", "Dockerfile.tornadovm"})
    void runsAsNumericNonRootUserAndMatchesTheGenerator(String name) throws IOException {
        Dockerfile file = read(name);
        String user = file.lastOf("USER").arguments();
        assertTrue(user.matches("\\d+(:\\d+)?"), "USER must be numeric for runAsNonRoot: " + user);
        assertFalse(user.startsWith("0"), "USER must not be root: " + user);
        assertEquals(WorkerEnvironment.USER_ID, Long.parseLong(user.split(":")[0]));
        assertEquals(Integer.toString(WorkerEnvironment.HTTP_PORT), file.lastOf("EXPOSE").arguments());
        String health = file.lastOf("HEALTHCHECK").arguments();
        assertTrue(health.contains("http://127.0.0.1:8080" + WorkerEnvironment.HEALTH_PATH), health);
        String tool = health.contains("curl") ? "curl" : "wget";
        assertTrue(health.contains(tool), health);
        String entry = file.lastOf("ENTRYPOINT").arguments() + " " + file.lastOf("CMD").arguments();
        assertTrue(entry.contains(WorkerEnvironment.WORKER_JAR), entry);
        assertTrue(file.lastOf("CMD").arguments().contains("\"serve\""), "the generator's pods run 'serve'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel"})
    void vendorImagesShareTheWorkerLayout(String name) throws IOException {
        Dockerfile file = read(name);
        String runs = String.join("\n", file.finalStage().stream().filter(i -> i.keyword().equals("RUN")).map(Dockerfile.Instruction::arguments).toList());
        assertTrue(runs.matches("(?s).*apt-get install[^&]*\\bcurl\\b.*"), name + ": HEALTHCHECK's curl must be installed");
        assertTrue(runs.contains("useradd --uid 10001"), runs);
        assertTrue(runs.contains("mkdir -p /opt/cuda-wasm " + WorkerEnvironment.KERNEL_CACHE_PATH), runs);
        assertTrue(runs.contains("chown -R 10001:10001 /cache"), "the cache folder belongs to the worker user");
        String env = String.join(" ", file.all("ENV").stream().map(Dockerfile.Instruction::arguments).toList());
        assertTrue(env.contains(WorkerEnvironment.JVM_OPTIONS), "image and manifests use the same JVM flags: " + env);
        assertTrue(env.contains("CUDA_WASM_KERNEL_CACHE_DIR=" + WorkerEnvironment.KERNEL_CACHE_PATH), env);
        assertTrue(env.contains("CUDA_WASM_PORT=" + WorkerEnvironment.HTTP_PORT), env);
        assertTrue(file.lastOf("VOLUME").arguments().contains(WorkerEnvironment.KERNEL_CACHE_PATH));
        assertTrue(runs.contains("openjdk-17-jre-headless") || file.baseImage(file.finalStage().get(0)).contains("temurin:17-jre"),
                name + ": needs a Java 17 runtime");
    }

    @ParameterizedTest
    @CsvSource({
        "Dockerfile.cpu,    pocl-opencl-icd,     nvidia.icd",
        "Dockerfile.nvidia, nvidia.icd,          pocl-opencl-icd",
        "Dockerfile.amd,    rocm-opencl-runtime, nvidia.icd",
        "Dockerfile.intel,  intel-opencl-icd,    nvidia.icd",
    })
    void eachVendorInstallsItsOpenClIcd(String name, String icd, String foreign) throws IOException {
        String runs = String.join("\n", read(name).finalStage().stream().filter(i -> i.keyword().equals("RUN"))
                .map(Dockerfile.Instruction::arguments).toList());
        assertTrue(runs.contains(icd), name + " lacks " + icd);
        assertTrue(runs.contains("ocl-icd-libopencl1"), name + " lacks the ICD loader");
        assertFalse(runs.contains(foreign), name + " installs " + foreign);
    }

    @Test
    void nvidiaImageHasCuda12Nvrtc() throws IOException {
        Dockerfile file = read("Dockerfile.nvidia");
        String base = file.all("ARG").stream().map(Dockerfile.Instruction::arguments)
                .filter(a -> a.startsWith("CUDA_IMAGE=")).findFirst().orElseThrow();
        assertTrue(base.matches("CUDA_IMAGE=nvidia/cuda:12\\.\\d+\\.\\d+-runtime-ubuntu\\d+\\.\\d+@sha256:[0-9a-f]{64}"), base);
        String runs = String.join("\n", file.finalStage().stream().map(Dockerfile.Instruction::arguments).toList());
        assertTrue(runs.contains("cuda-nvrtc-12-"), "JCuda 12.6 loads libnvrtc.so.12");
        assertTrue(runs.contains("libnvrtc.so.12"), "the build checks the soname is present");
        assertTrue(runs.contains("echo \"libnvidia-opencl.so.1\" > /etc/OpenCL/vendors/nvidia.icd"), runs);
    }

    @Test
    void tornadoVmLayerIsDrivenByBuildArguments() throws IOException {
        Dockerfile file = read("Dockerfile.tornadovm");
        List<String> args = file.all("ARG").stream().map(a -> a.arguments().split("=")[0]).toList();
        assertTrue(args.containsAll(List.of("BASE_IMAGE", "TORNADO_TAG", "JDK_IMAGE")), args.toString());
        String all = String.join("\n", file.instructions().stream().map(Dockerfile.Instruction::arguments).toList());
        assertTrue(all.contains("tornadovm-${V}-jdk22plus-opencl-linux-amd64.zip"), "release asset name");
        assertTrue(all.contains("tornado-argfile"), all);
        assertTrue(all.contains("TORNADOVM_HOME=/opt/tornadovm"), all);
        assertTrue(file.lastOf("ENTRYPOINT").arguments().contains("@/opt/tornadovm/tornado-argfile"));
        assertEquals("root", file.all("USER").get(0).arguments(), "installs as root, then drops privileges");
    }

    private static final List<String> ALL = List.of("Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel",
            "Dockerfile.tornadovm");

    /**
     * Every base image is pinned by digest; the one exception is the TornadoVM layer's BASE_IMAGE, which
     * names this project's own image, built locally just before (docker/README.md).
     */
    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel", "Dockerfile.tornadovm"})
    void baseImagesArePinnedByDigest(String name) throws IOException {
        Dockerfile file = read(name);
        Set<String> stages = new HashSet<>();
        for (Dockerfile.Instruction from : file.all("FROM")) {
            String image = file.baseImage(from);
            Matcher alias = FROM.matcher(from.arguments());
            assertTrue(alias.matches());
            if (alias.group(2) != null) {
                stages.add(alias.group(2));
            }
            if (stages.contains(image) || (name.equals("Dockerfile.tornadovm") && from.arguments().equals("${BASE_IMAGE}"))) {
                continue;
            }
            assertTrue(image.matches("[a-z0-9./-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}"), name + ":" + from.line() + " " + image
                    + " is not name:tag@sha256:digest");
        }
    }

    /** hadolint DL4006: a RUN with a pipe runs under {@code pipefail}, or a failure inside the pipe goes unnoticed. */
    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel", "Dockerfile.tornadovm"})
    void pipesFailTheBuild(String name) throws IOException {
        for (List<Dockerfile.Instruction> stage : read(name).stages()) {
            boolean pipefail = false;
            for (Dockerfile.Instruction i : stage) {
                if (i.keyword().equals("SHELL")) {
                    pipefail = i.arguments().contains("\"pipefail\"");
                }
                // quoted text (sed's s|a|b|) holds no pipes; || is "or", not a pipe
                String shell = i.arguments().replaceAll("'[^']*'", "").replaceAll("\"[^\"]*\"", "").replace("||", "");
                boolean piped = i.keyword().equals("RUN") && shell.contains("|");
                assertTrue(!piped || pipefail, name + ":" + i.line() + " pipes without SHELL [... \"-o\", \"pipefail\" ...]");
            }
        }
    }

    /**
     * hadolint DL3008: apt packages are pinned to a version, or the RUN carries the reason they are not
     * and hadolint's ignore pragma on the line right above it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel", "Dockerfile.tornadovm"})
    void aptVersionsArePinnedOrTheReasonIsWritten(String name) throws IOException {
        for (Dockerfile.Instruction run : read(name).all("RUN")) {
            if (!run.arguments().contains("apt-get install")) {
                continue;
            }
            List<String> comments = run.comments();
            boolean pragma = !comments.isEmpty() && comments.get(comments.size() - 1).equals("hadolint ignore=DL3008");
            boolean reason = comments.stream().anyMatch(c -> c.contains("(DL3008)"));
            assertTrue(pragma && reason, name + ":" + run.line() + " installs unpinned apt packages without the reason: " + comments);
        }
    }

    @Test
    void thePinScriptCoversTheArgumentsTheDockerfilesPin() throws IOException {
        Path script = DOCKER.resolve("pin-base-images.sh");
        assertTrue(Files.isExecutable(script));
        String text = Files.readString(script);
        assertTrue(text.contains("set -euo pipefail"), "the script itself fails on errors");
        Pattern pinned = Pattern.compile(text.lines().filter(l -> l.contains("grep -E '")).findFirst().orElseThrow()
                .replaceFirst(".*grep -E '([^']+)'.*", "$1"));
        int count = 0;
        for (String name : ALL) {
            for (String line : Files.readAllLines(DOCKER.resolve(name))) {
                if (line.startsWith("ARG ") && line.contains("@sha256:")) {
                    assertTrue(pinned.matcher(line).find(), name + ": the script would not refresh " + line);
                    count++;
                }
            }
        }
        assertEquals(9, count, "MAVEN_IMAGE in four files, one runtime base each, and the TornadoVM JDK");
    }

    @Test
    void readmeDescribesEveryImage() throws IOException {
        String readme = Files.readString(DOCKER.resolve("README.md"));
        for (String f : List.of("Dockerfile.cpu", "Dockerfile.nvidia", "Dockerfile.amd", "Dockerfile.intel", "Dockerfile.tornadovm")) {
            assertTrue(readme.contains("docker build -f docker/" + f), "README lacks the build command for " + f);
        }
        for (String image : List.of("cpu", "nvidia", "amd", "intel")) {
            assertTrue(readme.contains(GenerateCommittedManifests.IMAGE_PREFIX + image), "README tags the image the manifests use: " + image);
        }
    }
}
