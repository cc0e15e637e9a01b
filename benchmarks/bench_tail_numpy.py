#!/usr/bin/env python3
"""The numpy peer of benchmarks/bench_tail.cpp: eq. (15) of
Simsekli et al. 2019 as the usual numpy one-liner, timed on the same
data that bench_tail wrote with LEVYSGD_BENCH_DUMP.

    LEVYSGD_BENCH_DUMP=/tmp/x.f64 build/release/benchmarks/bench_tail --benchmark_filter=none
    /usr/bin/python3 benchmarks/bench_tail_numpy.py /tmp/x.f64     # python3-numpy from Debian

Prints values/s of numpy, to be compared with the mohammadi/double/threads:1
row of bench_tail (one core; numpy's ufuncs are single-threaded).
"""
import math
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy not found: apt-get install python3-numpy (skipping)")
    sys.exit(0)


def mohammadi(x, k1):
    k2 = x.size // k1
    x = x[: k1 * k2]
    y = x.reshape(k2, k1).sum(axis=1)
    return (np.log(np.abs(y)).mean() - np.log(np.abs(x)).mean()) / math.log(k1)


def paper_k1(k):
    r = int(math.isqrt(k))
    lo = next(d for d in range(r, 0, -1) if k % d == 0)
    hi = k // lo
    s = math.sqrt(k)
    best = lo if s - lo <= hi - s else hi
    return best if s / 2 <= best <= 2 * s else r


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 0
    x = np.fromfile(sys.argv[1], dtype=np.float64)
    k1 = paper_k1(x.size)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        inv = mohammadi(x, k1)
        best = min(best, time.perf_counter() - t0)
    print(f"numpy {np.__version__}: {x.size} values, k1 {k1}, alpha-hat {1 / inv:.6f}, "
          f"best of 3: {best:.3f} s = {x.size / best / 1e9:.3f} Gvalues/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
