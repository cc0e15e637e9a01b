#!/usr/bin/env python3
"""Independent check of examples/real_gradient_noise (numpy only).

    build/release/examples/real_gradient_noise --json out.json --export-layer u.npy
    python3 examples/real_gradient_noise_check.py out.json u.npy

Recomputes, from the exported noise matrix U of one layer (minibatches x
parameters, at the last checkpoint), the Mohammadi estimate (Simsekli et al.
2019 eq. 15) of every parameter and the layer's pooled estimate with numpy,
and compares them with the example's JSON. Zeros are left out before the
blocks are formed and blocks summing to 0 are dropped (bad_value_policy::skip), and K1 follows the library's
rule: the divisor of K closest to sqrt(K) when within [sqrt(K)/2, 2 sqrt(K)],
else floor(sqrt(K)) with the last K mod K1 values dropped. Exits 1 when a
value differs by more than 1e-9 relative.
"""
import json
import math
import sys

import numpy as np


def k1_rule(k):
    r = max(int(math.isqrt(k)), 1)
    lo = next(d for d in range(r, 0, -1) if k % d == 0)
    hi = k // lo
    s = math.sqrt(k)
    best = lo if s - lo <= hi - s else hi
    if best < s / 2 or best > 2 * s:
        best = r
    return best


def mohammadi_alpha(x):
    """1/alpha = (mean log|Y_i| - mean log|X_j|) / log K1 (eq. 15); a block
    summing to exactly 0 is left out with its values, as under skip."""
    x = x[x != 0]
    k1 = k1_rule(x.size)
    k2 = x.size // k1
    b = x[:k1 * k2].reshape(k2, k1)
    y = b.sum(axis=1)
    b, y = b[y != 0], y[y != 0]
    inv = (np.log(np.abs(y)).mean() - np.log(np.abs(b)).mean()) / np.log(k1)
    return 1 / inv if inv > 0 else math.inf


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        report = json.load(f)
    u = np.load(sys.argv[2])
    layer_no = report['config']['exported_layer']
    layer = report['checkpoints'][-1]['noise']['layers'][layer_no]
    assert u.shape[1] == layer['parameters'], (u.shape, layer['parameters'])
    worst, compared, nulls = 0.0, 0, 0
    for j, a_json in enumerate(layer['alpha']):
        col = u[:, j]
        if a_json is None:  # no noise (fewer than 16 nonzero values), or alpha = inf
            if np.count_nonzero(col) >= 16:
                a = mohammadi_alpha(col)
                if math.isfinite(a):
                    print('parameter %d: JSON null, numpy %.6f' % (j, a))
                    return 1
            nulls += 1
            continue
        a = mohammadi_alpha(col)
        worst = max(worst, abs(a - a_json) / abs(a_json))
        compared += 1
    # the layer's pooled estimate: its live columns, rows concatenated
    live = [j for j in range(u.shape[1]) if np.count_nonzero(u[:, j]) >= 16]
    pooled = mohammadi_alpha(u[:, live].reshape(-1))
    p_json = layer['pooled']['alpha']
    p_err = 0.0 if (p_json is None and math.isinf(pooled)) else abs(pooled - p_json) / abs(p_json)
    print('layer %s: %d x %d noise matrix; %d per-parameter alpha compared (%d null), '
          'largest relative difference %.2e' % (layer['name'], u.shape[0], u.shape[1], compared,
                                                nulls, worst))
    print('pooled alpha: example %s, numpy %.15g, relative difference %.2e' %
          (p_json, pooled, p_err))
    ok = worst <= 1e-9 and p_err <= 1e-9
    print('agreement' if ok else 'MISMATCH')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
