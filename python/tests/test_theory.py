"""Theory functions (docs/theory.md) through the package."""
import math

import numpy as np
import pytest

import levysgd

# f' = (x + 1.4) x (x - 1): minimum -1.4, saddle 0 (docs/theory.md's example)
H_A, H_B = 3.36, -1.4
DL = -(1.4 ** 4 / 4 - 0.4 * 1.4 ** 3 / 3 - 0.7 * 1.96)


def fprime(x):
    return (x + 1.4) * x * (x - 1)


def test_kramers_and_the_exact_1d_time():
    D = DL / 4
    k = levysgd.kramers_escape_time(H_A, H_B, DL, D)
    assert k == pytest.approx(2 * math.pi / 1.4 * math.sqrt(1.4 / 3.36) * math.exp(4), rel=1e-12)
    assert levysgd.kramers_escape_time(np.array([[H_A]]), np.array([[H_B]]), DL, D) == pytest.approx(k, rel=1e-14)
    e = levysgd.mean_exit_time_1d(lambda x: -fprime(x), lambda x: D, -6.0, 0.5, -1.4,
                                  intervals=4096, left_boundary="reflecting")
    assert abs(e.mean_time / k - 1) < 0.02 and e.exit_right_probability == 1.0
    with pytest.raises(ValueError, match="D"):
        levysgd.kramers_escape_time(H_A, H_B, DL, -1.0)
    with pytest.raises(ValueError, match="left_boundary"):
        levysgd.mean_exit_time_1d(lambda x: 0.0, lambda x: 1.0, -1, 1, 0, left_boundary="sticky")


def test_sgd_escape_and_selection():
    t = levysgd.sgd_escape_time(H_A, H_B, DL, 0.1, 16, 0.5)
    assert t == pytest.approx(levysgd.sgd_escape_time(np.array([[H_A]]), np.array([[H_B]]), DL, 0.1, 16, 0.5))
    assert levysgd.total_escape_rate([1.0, 2.0]) == 3.0
    np.testing.assert_allclose(levysgd.minima_selection([1.0, 3.0]), [0.25, 0.75])
    when, n = levysgd.gibbs_noise_threshold(np.eye(2), 0.0, 2 * np.eye(2), -0.1, 1.0)
    assert when in ("above", "below", "always", "never") and n > 0
    r = levysgd.gibbs_probability_ratio(np.eye(2), 0.0, 2 * np.eye(2), -0.1, 0.1, 1.0, 1.0)
    assert r > 0 and math.isfinite(levysgd.gibbs_log_weight(np.eye(2), 0.0, 0.1, 1.0, 1.0))


def test_levy_metastability():
    lm = levysgd.levy_metastability([-1.5, 0.0, 2.0], [-0.7, 1.0], 1.2, 0.1)
    q = lm.generator()
    assert q.shape == (3, 3) and np.allclose(q.sum(axis=1), 0, atol=1e-15)
    pi = lm.stationary()
    assert pi.sum() == pytest.approx(1) and np.allclose(q.T @ pi, 0, atol=1e-15)
    assert lm.mean_exit_time(0) == pytest.approx(1 / lm.exit_rate(0))
    assert lm.wells == 3 and lm.alpha == 1.2
    # mean exit time ~ eps^-alpha
    lm2 = levysgd.levy_metastability([-1.5, 0.0, 2.0], [-0.7, 1.0], 1.2, 0.05)
    assert lm2.mean_exit_time(0) / lm.mean_exit_time(0) == pytest.approx(2 ** 1.2, rel=1e-12)
    assert levysgd.stable_levy_constant(1.5) == pytest.approx(math.gamma(2.5) * math.sin(0.75 * math.pi) / math.pi)
    with pytest.raises(ValueError, match="maxima"):
        levysgd.levy_metastability([-1.0, 1.0], [2.0], 1.5, 0.1)


def test_levy_exit_model():
    fj = levysgd.levy_exit_model([(1.2, 0.1, -1.0, 1.0), (1.6, 0.1, -1.0, 1.0)])
    p = [fj.exit_probability(l, s) for l in (0, 1) for s in (-1, 1)]
    assert sum(p) == pytest.approx(1)
    assert fj.axis_probability(0) > 0.5  # the heavier tail leaves first
    assert fj.mean_transition_time() == pytest.approx(1 / fj.total_exit_rate())
    with pytest.raises(ValueError, match="d_minus"):
        levysgd.levy_exit_model([(1.2, 0.1, 1.0, 1.0)])
