#!/usr/bin/env bash
# Idempotent set-up of the system parts the project uses from Debian:
#  - python3-h5py / numpy / scipy / skimage / torch: independent references for tests and benchmarks
#    (h5py opens our HDF5 files; NumPy/SciPy/scikit-image/PyTorch give golden values and timings);
#  - jupyter-server, python3-jupyterlab-server, jupyter-client: the server side of `npm run lab`;
#  - chromium + fonts: the browser test and static figure export (repeatable fonts);
#  - g++ + libdnnl-dev (oneDNN): the native conv/matmul addon (native/, `npm run build:native`).
# Re-running it only installs what is missing.
set -euo pipefail
PACKAGES=(
  python3-numpy python3-h5py python3-scipy python3-skimage
  jupyter-server python3-jupyterlab-server jupyter-client python3-nbclient python3-nbformat
  chromium fonts-dejavu-core
  g++ libdnnl-dev
)
if [ "${SVD_SETUP_WITH_TORCH:-0}" = "1" ]; then PACKAGES+=(python3-torch); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "environment/setup.sh: all system packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "environment/setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "environment/setup.sh: done"
