"""Optimizer steps on the caller's parameter array (docs/optim.md)."""
import math

import numpy as np
import pytest

import levysgd


class LeastSquares:
    """L(w) = mean_i (x_i'w - y_i)^2 / 2 as a levysgd oracle."""

    def __init__(self, n=200, d=3, dtype=np.float64):
        rng = np.random.default_rng(0)
        self.x = rng.normal(size=(n, d)).astype(dtype)
        self.y = (self.x @ np.linspace(-1, 1, d) + rng.normal(size=n)).astype(dtype)
        self.calls = 0

    def samples(self):
        return self.x.shape[0]

    def dimension(self):
        return self.x.shape[1]

    def gradient(self, w, idx, g):
        self.calls += 1
        xb = self.x[idx]
        g[:] = xb.T @ (xb @ w - self.y[idx]) / len(idx)


def test_full_batch_sgd_is_gradient_descent_in_place():
    m = LeastSquares()
    w = np.zeros(3)
    ref = np.zeros(3)
    s = levysgd.sgd(200, 200, 0.1, seed=1, sampling="without_replacement")
    for _ in range(50):
        before = w.__array_interface__["data"][0]
        s.step(w, m)
        assert w.__array_interface__["data"][0] == before
        ref -= 0.1 * m.x.T @ (m.x @ ref - m.y) / 200
    np.testing.assert_allclose(w, ref, rtol=1e-10)
    assert s.iteration == 50 and s.time == pytest.approx(5.0)


def test_steps_are_reproducible_and_ne_sgd_a1_is_sgd():
    m = LeastSquares()
    runs = []
    for make in (lambda: levysgd.sgd(200, 16, 0.05, seed=3),
                 lambda: levysgd.noise_enhanced_sgd(200, 16, 0.05, 1.0, seed=3)):
        w = np.zeros(3)
        s = make()
        for _ in range(30):
            s.step(w, m)
        runs.append(w)
    np.testing.assert_array_equal(runs[0], runs[1])
    ne = levysgd.noise_enhanced_sgd(200, 128, 0.05, 3.2839)
    assert ne.effective_batch() == pytest.approx(levysgd.effective_batch_size(128, 3.2839))
    b = levysgd.minibatch_sampler(200, 16, seed=3).next()
    assert b.dtype == np.uint64 and b.shape == (16,)


def test_sgld_and_stable_noise_float32():
    m = LeastSquares(dtype=np.float32)
    w = np.zeros(3, np.float32)
    s = levysgd.sgld(200, 32, 0.01, 1e-3, seed=2, dtype="float32")
    for _ in range(20):
        s.step(w, m)
    assert w.dtype == np.float32 and np.all(np.isfinite(w))
    w2 = np.zeros(3)
    st = levysgd.stable_noise_sgd(200, 200, 0.01, [1.2, 1.5, 2.0], [0.1, 0.1, 0.0], seed=2,
                                  sampling="without_replacement")
    st.step(w2, LeastSquares())
    g = np.zeros(3)
    LeastSquares().gradient(np.zeros(3), np.arange(200), g)
    assert w2[2] == pytest.approx(-0.01 * g[2], rel=1e-12)  # scale 0: no noise
    assert w2[0] != pytest.approx(-0.01 * g[0], rel=1e-12)


class Bad(LeastSquares):
    def gradient(self, w, idx, g):
        g[:] = math.nan


def test_bad_input():
    m = LeastSquares()
    s = levysgd.sgd(200, 16, 0.1)
    with pytest.raises(TypeError, match="w"):
        s.step(np.zeros(3, np.float32), m)
    ro = np.zeros(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        s.step(ro, m)
    with pytest.raises(ValueError, match="C-contiguous"):
        s.step(np.zeros(6)[::2], m)
    with pytest.raises(TypeError, match="oracle"):
        s.step(np.zeros(3), object())
    with pytest.raises(ValueError, match="w.size"):
        s.step(np.zeros(4), m)
    w = np.ones(3)
    with pytest.raises(RuntimeError, match="finite"):
        s.step(w, Bad())
    np.testing.assert_array_equal(w, 1.0)  # left unchanged
    with pytest.raises(ValueError, match="sampling"):
        levysgd.sgd(200, 16, 0.1, sampling="sometimes")
    with pytest.raises(ValueError, match="learning_rate"):
        levysgd.sgd(200, 16, -0.1)
    with pytest.raises(ValueError, match="alpha"):
        levysgd.stable_noise_sgd(200, 16, 0.1, [2.5], [1.0])
    with pytest.raises(TypeError, match="dtype"):
        levysgd.sgd(200, 16, 0.1, dtype="int8")
