"""Tail indices, bootstrap intervals and gradient-noise analysis (docs/tail.md)."""
import math

import numpy as np
import pytest

import levysgd


def numpy_mohammadi(x, k1):
    """The NumPy one-liner users write for eq. (15) of Simsekli et al. 2019."""
    k2 = x.shape[0] // k1
    x = x[: k1 * k2]
    y = x.reshape((k2, k1) + x.shape[1:]).sum(axis=1)
    return 1 / ((np.log(np.abs(y)).mean(0) - np.log(np.abs(x)).mean(0)) / np.log(k1))


def test_tail_index_matches_the_numpy_formula():
    x = levysgd.stable(1.5, 0).rvs(250 * 400, seed=42)
    assert levysgd.tail_index(x) == pytest.approx(numpy_mohammadi(x, 250), rel=1e-10)
    assert levysgd.tail_index(x, k1=100) == pytest.approx(numpy_mohammadi(x, 100), rel=1e-10)
    assert abs(levysgd.tail_index(x) - 1.5) < 0.1
    assert levysgd.tail_index(x.astype(np.float32)) == pytest.approx(levysgd.tail_index(x), rel=1e-5)
    full = levysgd._levysgd._tail_index(x, None, None, 0, False, True)
    assert (full["k1"], full["k2"], full["n_used"]) == (250, 400, 100000)
    # scale-free, thread-count free
    assert levysgd.tail_index(x * 1e-200) == pytest.approx(levysgd.tail_index(x), rel=1e-12)
    assert levysgd.tail_index(x, threads=1) == levysgd.tail_index(x, threads=0)


def test_tail_index_per_column_of_a_gradient_matrix():
    alphas = [1.2, 1.5, 1.8, 2.0]
    g = np.stack([levysgd.stable(a, 0, 0.01).rvs(20000, seed=3, stream=c)
                  for c, a in enumerate(alphas)], axis=1) + np.linspace(-1, 1, 4)
    u = levysgd.gradient_noise(g)
    per = levysgd.tail_index(u, axis=0)
    assert per.shape == (4,) and per.dtype == np.float64
    assert np.all(np.abs(per - alphas) < 0.15)
    np.testing.assert_allclose(per, numpy_mohammadi(u, 125), rtol=1e-10)  # 20000 = 125 * 160
    # axis=0 sums each column down the rows (one column per SIMD lane), axis=1
    # along each row (SIMD lanes along it): the same eq. (15), summed in
    # another order, so equal to rounding, not bit for bit
    np.testing.assert_allclose(per, levysgd.tail_index(np.ascontiguousarray(u.T), axis=1),
                               rtol=1e-12)
    np.testing.assert_array_equal(per, levysgd.tail_index(u, axis=-2, threads=1))
    # 40 columns: a column's value depends neither on its place (SIMD lane,
    # tile) nor on the threads, bit for bit
    wide = np.tile(u, (1, 10))
    np.testing.assert_array_equal(levysgd.tail_index(wide, axis=0), np.tile(per, 10))
    t = levysgd.analyse_noise_tails(u)
    np.testing.assert_array_equal(t.per_parameter, per)
    assert 1.2 < t.pooled < 1.8 and math.isfinite(t.multivariate)
    # a bad column is named
    u2 = u.copy()
    u2[5, 2] = 0
    with pytest.raises(ValueError, match="column 2"):
        levysgd.tail_index(u2, axis=0)
    assert np.all(np.isfinite(levysgd.tail_index(u2, axis=0, skip_bad=True)))


def test_gradient_noise_with_full_gradient():
    g = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(levysgd.gradient_noise(g, [1.0, 2.0, 3.0]), g - [1, 2, 3])
    np.testing.assert_allclose(levysgd.gradient_noise(g), g - g.mean(0))
    assert levysgd.gradient_noise(g.astype(np.float32)).dtype == np.float32


def test_hill_and_bootstrap():
    x = levysgd.stable(1.5, 0).rvs(100000, seed=42)
    assert abs(levysgd.hill(x, k=1000) - 1.5) < 0.15
    b = levysgd.bootstrap_tail_index(x[:10000], resamples=200, confidence=0.9, seed=7)
    assert b.low <= b.high and b.resamples + b.failed == 200 and b.confidence == 0.9
    assert b.value == levysgd.tail_index(x[:10000])
    h = levysgd.bootstrap_tail_index(x[:10000], resamples=50, estimator="hill", k=300)
    assert h.value == levysgd.hill(x[:10000], k=300)
    again = levysgd.bootstrap_tail_index(x[:10000], resamples=200, confidence=0.9, seed=7)
    assert again == b


def test_noise_covariance_and_hessian():
    rng = np.random.default_rng(1)
    g = rng.normal(size=(500, 3)) * [1.0, 2.0, 3.0]
    c = levysgd.noise_covariance(g, 10)
    np.testing.assert_allclose(c, np.cov(g.T, bias=True) / 10, rtol=1e-12, atol=1e-15)
    r = levysgd.compare_covariance_with_hessian(c, np.diag([1.0, 4.0, 9.0]), 10)
    assert r.h_over_b.shape == (3,) and r.pearson > 0.9
