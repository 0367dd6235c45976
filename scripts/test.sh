#!/usr/bin/env bash
# Every test of the project, from a fresh machine: finds (or installs) what the tests need, then
# runs Maven. The OpenCL tests need an OpenCL platform on the CPU (PoCL); without one they fail,
# by design, so this script makes sure there is one first, or says exactly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

have_opencl_cpu() {
  # an ICD loader and at least one registered platform (PoCL registers /etc/OpenCL/vendors/pocl.icd)
  { ldconfig -p 2>/dev/null | grep -q 'libOpenCL\.so\.1'; } && compgen -G '/etc/OpenCL/vendors/*.icd' >/dev/null
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@";
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@";
  else return 1; fi
}

packages=(pocl-opencl-icd ocl-icd-libopencl1)
if have_opencl_cpu; then
  echo "test.sh: OpenCL platform found: $(ls /etc/OpenCL/vendors/*.icd | xargs -n1 basename | tr '\n' ' ')"
elif command -v apt-get >/dev/null; then
  echo "test.sh: no OpenCL platform; installing ${packages[*]} (PoCL, OpenCL on the CPU) from the distribution ..."
  if ! as_root apt-get update -q || ! as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${packages[@]}"; then
    echo "test.sh: could not install ${packages[*]}: this needs root or password-less sudo." >&2
    echo "         Install them once (sudo apt-get install ${packages[*]}) and run this script again." >&2
    exit 1
  fi
  echo "test.sh: installed $(dpkg-query -W -f='${Package} ${Version}, ' "${packages[@]}" | sed 's/, $//')"
else
  echo "test.sh: no OpenCL platform, and this is not a Debian/Ubuntu system (no apt-get)." >&2
  echo "         The OpenCL tests need an OpenCL CPU platform: install PoCL and an ICD loader from your" >&2
  echo "         distribution (Fedora: pocl ocl-icd; Arch: pocl ocl-icd; Alpine: pocl), then run again." >&2
  exit 1
fi

status=0
mvn -B -Dstyle.color=never verify "$@" || status=$?
# a test JVM that crashed (a native library such as PoCL) leaves its report in the module's target/
for f in */target/hs_err_pid*.log; do
  if [[ -f $f ]]; then
    echo "test.sh: a test JVM crashed; the head of its report, $f:" >&2
    head -60 "$f" >&2
  fi
done
exit $status
