#!/usr/bin/env bash
# Installs the build/test dependencies of levysgd on Debian/Ubuntu.
# Fast no-op (no apt invocation at all) when everything is already installed.
#
#   cmake/install-deps.sh             build/test dependencies (what CI uses)
#   cmake/install-deps.sh --figures   kept for old scripts: matplotlib, NumPy and SciPy
#                                     (docs/images/make_figures.py, levysgd --plot and
#                                     python/tests) are always installed now
set -euo pipefail

packages=(
    cmake
    g++
    make
    ninja-build
    libeigen3-dev
    libxsimd-dev
    catch2
    libbenchmark-dev
    libgsl-dev
    librandom123-dev
    libopenmpi-dev
    openmpi-bin
    python3
    python3-dev
    python3-venv
    python3-pip
    python3-numpy
    python3-scipy
    python3-pytest
    python3-matplotlib
)

for arg in "$@"; do
    case "${arg}" in
        --figures) ;;
        *)
            echo "install-deps: unknown option '${arg}' (the only option is --figures)" >&2
            exit 2
            ;;
    esac
done

missing=()
for pkg in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "${pkg}" 2>/dev/null || true)"
    if [[ "${status}" != "installed" ]]; then
        missing+=("${pkg}")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all dependencies already installed"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install-deps: not root and sudo is unavailable; please install: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
