#!/usr/bin/env bash
# The GPU check: launches every bundled kernel, every device-semantics kernel, the grid-synchronizing
# cases (cooperative launches on CUDA, phases on OpenCL) and the thread block cluster cases (CUDA on
# sm_90 and later: __cluster_dims__, and a shape given only at launch, which the CUDA back end
# compiles into the kernel; cluster.sync(), distributed shared memory), the cases whose
# threads wait for each other (a pipeline with producer and consumer roles, a barrier of part of a
# block: CUDA, whose C makes the barrier objects real), PTX exit inside device functions, and the bulk tensor copies over a tensor map
# made with the buffer's device address (CUDA) through JCuda on
# each NVIDIA GPU of this host (and through OpenCL on each OpenCL GPU), in executor processes as the
# worker runs them, checks the outputs against the Java references, prints one line per case and a
# summary, times saxpy (16M floats) and a tiled 1024x1024 matmul, then runs the fault drill on each
# device: out-of-bounds write and read and a null write (CUDA's illegal address: a sticky error, so
# the executor must be replaced), an endless loop past a 1 s limit, a trap, and kill -9 of the
# executor in mid-launch; after each, a job must come out right ("fault ... PASS" lines).
# Exit 0: all passed; 1: some failed; 2: no NVIDIA GPU here.
#
#   scripts/gpu-check.sh            check (builds runtime/target/cuda-wasm.jar first if it is missing)
#   scripts/gpu-check.sh --in-process   the cases in this JVM instead of executors (no fault drill)
#   scripts/gpu-check.sh --prepare  on a machine with nvcc: compile the PTX of every case into
#                                   target/gpu-check/ptx (compute_75/80/90), for GPU hosts that have
#                                   neither nvcc nor libnvrtc.so.12
#
# Needs a JDK 17+ (and Maven only when the jar must be built). PTX comes from NVRTC (libnvrtc.so.12),
# else nvcc, else target/gpu-check/ptx. Runs in well under 10 minutes (about a minute of it nvcc; the
# drill restarts each executor five times, a few seconds each). Executors use /dev/shm (or
# CUDA_WASM_EXECUTOR_DIR) for their sockets; the check's 16M-float saxpy needs 128 MiB of it.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=runtime/target/cuda-wasm.jar
PTX_DIR=target/gpu-check/ptx

if ! command -v java >/dev/null 2>&1; then
  echo "gpu-check: no 'java' on the PATH; install a JDK 17 or later" >&2
  exit 3
fi
if [[ ! -f "$JAR" ]]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "gpu-check: $JAR is missing and there is no Maven to build it; build it elsewhere and copy it here" >&2
    exit 3
  fi
  mvn -q -B -pl runtime -am install -DskipTests
fi

mkdir -p "$PTX_DIR"
if [[ "${1:-}" == "--prepare" ]]; then
  shift
  exec java -cp "$JAR" io.cudawasm.runtime.backend.cuda.GpuCheck --prepare "$PTX_DIR" "$@"
fi
exec timeout 540 java -Dcudawasm.ptx.cache="$PTX_DIR" -Dcudawasm.opencl.cache=target/gpu-check/opencl \
  -cp "$JAR" io.cudawasm.runtime.backend.cuda.GpuCheck "$@"
