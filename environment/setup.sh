#!/usr/bin/env bash
# Idempotent set-up of the system parts the project uses from Debian:
#  - python3-h5py / numpy / scipy / skimage / torch: independent references for tests and benchmarks
#    (h5py opens our HDF5 files; NumPy/SciPy/scikit-image/PyTorch give golden values and timings);
#  - jupyter-server, python3-jupyterlab-server, jupyter-client: the server side of `npm run lab`;
#  - chromium + fonts: the browser test and static figure export (repeatable fonts);
#  - g++ + libdnnl-dev (oneDNN): the native conv/matmul addon (native/, `npm run build:native`);
#  - Mesa's Vulkan drivers from bookworm-backports (lavapipe, a software Vulkan device): lets the WebGPU
#    route (dawn.node) be tested on machines without a GPU. Bookworm's own Mesa 22.3 lacks the
#    descriptor-indexing features Dawn requires, so requestAdapter() returns null with it
#    (shared/notes/compute-backends.md, section 2); 25.0.7 from backports works.
# Re-running it only installs what is missing.
set -euo pipefail
PACKAGES=(
  python3-numpy python3-h5py python3-scipy python3-skimage
  jupyter-server python3-jupyterlab-server jupyter-client python3-nbclient python3-nbformat
  chromium fonts-dejavu-core
  g++ libdnnl-dev
)
if [ "${SVD_SETUP_WITH_TORCH:-0}" = "1" ]; then PACKAGES+=(python3-torch); fi
BACKPORTS_LIST=/etc/apt/sources.list.d/bookworm-backports.sources
# Minimum Mesa version whose lavapipe Dawn accepts (older ones give no adapter).
MESA_MIN=25

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
mesa_version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
mesa_major=${mesa_version%%.*}
need_mesa=0
if [ -z "$mesa_version" ] || [ "${mesa_major:-0}" -lt "$MESA_MIN" ]; then need_mesa=1; fi

if [ ${#missing[@]} -eq 0 ] && [ $need_mesa -eq 0 ]; then
  echo "environment/setup.sh: all system packages present (mesa-vulkan-drivers $mesa_version)"
  exit 0
fi
if [ $need_mesa -eq 1 ] && [ ! -f "$BACKPORTS_LIST" ]; then
  echo "environment/setup.sh: adding bookworm-backports ($BACKPORTS_LIST) for mesa-vulkan-drivers >= $MESA_MIN"
  printf '%s\n' \
    "Types: deb" \
    "URIs: http://deb.debian.org/debian" \
    "Suites: bookworm-backports" \
    "Components: main" \
    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" | $SUDO tee "$BACKPORTS_LIST" >/dev/null
fi
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "environment/setup.sh: installing ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_mesa -eq 1 ]; then
  echo "environment/setup.sh: installing mesa-vulkan-drivers from bookworm-backports (was: ${mesa_version:-none})"
  $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers >/dev/null
  echo "environment/setup.sh: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
fi
echo "environment/setup.sh: done"
