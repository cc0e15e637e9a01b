#!/usr/bin/env python3
"""The PyTorch peer of benchmarks/bench_cuda.cu: symmetric alpha-stable
samples by the Chambers-Mallows-Stuck formula in torch on the GPU (the usual
way deep-learning code draws them, e.g. in Simsekli et al. 2019's
experiments), timed with CUDA events on the same card as bench_cuda.

    python3 benchmarks/bench_cuda_torch.py        # needs torch with CUDA

Prints samples/s for float32 and float64, alpha = 1.5, beta = 0, to be set
beside the cuda_stable<float>/alpha1.5_beta0 and cuda_stable<double> rows
of bench_cuda run in the same session. Exits 0 with a message where torch
or a CUDA device is absent.
"""
import math
import sys

try:
    import torch
except ImportError:
    print("torch not found: the PyTorch peer is skipped")
    sys.exit(0)

if not torch.cuda.is_available():
    print("no CUDA device: the PyTorch peer is skipped")
    sys.exit(0)


def cms_symmetric(alpha, n, dtype, gen):
    """X = sin(a phi) / cos(phi)^(1/a) * (cos((1 - a) phi) / W)^((1 - a)/a)."""
    phi = (torch.rand(n, dtype=dtype, device="cuda", generator=gen) - 0.5) * math.pi
    w = -torch.log(torch.rand(n, dtype=dtype, device="cuda", generator=gen))
    a = alpha
    return (torch.sin(a * phi) / torch.cos(phi) ** (1 / a)
            * (torch.cos((1 - a) * phi) / w) ** ((1 - a) / a))


def rate(dtype, n=1 << 28, reps=10):
    gen = torch.Generator(device="cuda")
    gen.manual_seed(1)
    cms_symmetric(1.5, n, dtype, gen)  # warm-up
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(reps):
        start.record()
        cms_symmetric(1.5, n, dtype, gen)
        stop.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(stop) / 1e3)
    times.sort()
    return n / times[len(times) // 2]


if __name__ == "__main__":
    print("device:", torch.cuda.get_device_name(0), "torch", torch.__version__)
    for dtype in (torch.float32, torch.float64):
        print(f"torch CMS {dtype}: {rate(dtype) / 1e9:.2f} G samples/s (median of 10)")
