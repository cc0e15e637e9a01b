#!/usr/bin/env bash
# The GPU checks and benchmarks of the CUDA backend (docs/cuda.md) in one
# prepared run, for a session that is lent a machine with an NVIDIA GPU.
# Build on the development machine (nvcc needs no GPU), carry the folder,
# run it on the GPU machine:
#
#   tests/scripts/gpu_session.sh build [DIR]   # nvcc: DIR/test_cuda_device, DIR/bench_cuda
#                                              # (+ DIR/lib/libbenchmark), default build/gpu
#   tests/scripts/gpu_session.sh run [DIR]     # on the GPU: results into $OUT (or DIR/out)
#
# `run` writes nvidia-smi.txt, commit.txt, test_cuda_device.txt (the gpu
# ctest's checks: device against host launches, bitwise uniforms, exit steps
# against the CPU study, no write past an output), bench_cuda.json (Google
# Benchmark, 3 repetitions) and, where torch is installed, bench_cuda_torch.txt.
# Exit status: that of test_cuda_device (77 = no CUDA device).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

mode="${1:-}"
dir="${2:-build/gpu}"
arch="${LEVYSGD_CUDA_ARCH:-90}" # H100 and H200 are sm_90

case "${mode}" in
build)
    nvcc="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
    mkdir -p "${dir}/lib"
    flags=(-std=c++20 -O2 -Werror all-warnings --expt-relaxed-constexpr -diag-suppress 20012
           "-gencode=arch=compute_${arch},code=[sm_${arch},compute_${arch}]"
           -Iinclude --system-include=/usr/include/eigen3)
    "${nvcc}" "${flags[@]}" tests/test_cuda_device.cu -o "${dir}/test_cuda_device"
    # Debian's Google Benchmark goes beside the program under its SONAME
    bench_lib="$(find /usr/lib /usr/local/lib -name 'libbenchmark.so' 2>/dev/null | head -1)"
    soname="$(objdump -p "${bench_lib}" | awk '/SONAME/ {print $2}')"
    cp -L "${bench_lib}" "${dir}/lib/${soname}"
    "${nvcc}" "${flags[@]}" benchmarks/bench_cuda.cu "${bench_lib}" -lpthread \
        -Xlinker -rpath -Xlinker '$ORIGIN/lib' -o "${dir}/bench_cuda"
    git rev-parse HEAD > "${dir}/commit.txt" 2>/dev/null || echo unknown > "${dir}/commit.txt"
    echo "gpu_session: built ${dir}/test_cuda_device and ${dir}/bench_cuda for sm_${arch}" \
         "(commit $(cat "${dir}/commit.txt")); carry ${dir} to the GPU machine and run:" \
         "tests/scripts/gpu_session.sh run ${dir}"
    ;;
run)
    out="${OUT:-${dir}/out}"
    mkdir -p "${out}"
    cp "${dir}/commit.txt" "${out}/commit.txt"
    nvidia-smi > "${out}/nvidia-smi.txt" 2>&1 || true
    set +e
    "${dir}/test_cuda_device" 2>&1 | tee "${out}/test_cuda_device.txt"
    status=${PIPESTATUS[0]}
    set -e
    if [[ ${status} -eq 77 ]]; then
        echo "gpu_session: no CUDA device: nothing measured" >&2
        exit 77
    fi
    "${dir}/bench_cuda" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
        --benchmark_out="${out}/bench_cuda.json" --benchmark_out_format=json \
        2>&1 | tail -40
    if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
        python3 benchmarks/bench_cuda_torch.py > "${out}/bench_cuda_torch.txt" 2>&1 || true
    fi
    exit "${status}"
    ;;
*)
    echo "usage: tests/scripts/gpu_session.sh build|run [DIR]   (DIR defaults to build/gpu)" >&2
    exit 2
    ;;
esac
