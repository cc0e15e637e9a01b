"""Escape and transition studies with the compiled pieces (docs/sde.md)."""
import math

import numpy as np
import pytest

import levysgd as L

WELL = L.double_well(-1.0, -0.5, 2.0)
LEFT = L.interval(-math.inf, -0.5)


def test_readme_escape_study():
    """README.md's example: the same numbers as the C++ program (AVX-512 build; to rounding)."""
    want = {0.1: (37.7, 35.4, 40.0, 56.0), 0.05: (134.4, 126.5, 142.4, 158.5)}
    for eps, (v, lo, hi, theory) in want.items():
        r = L.escape_study(WELL, L.stable_noise(1, 1.5, eps), L.tamed_euler(0.01), LEFT, -1.0,
                           paths=1000, horizon=1e4, seed=1)
        assert (round(r.mean_exit_time.value, 1), round(r.mean_exit_time.low, 1),
                round(r.mean_exit_time.high, 1)) == (v, lo, hi)
        assert round(L.levy_metastability(WELL, 1.5, eps).mean_exit_time(0), 1) == theory
        assert r.exited == 1000 and r.censored == 0 and r.channel_probability(0, 1) == 1.0
        assert r.exit_times.shape == (1000,) and r.exit_times.mean() == pytest.approx(r.mean_exit_time.value)


def test_threads_and_streams_do_not_change_results():
    noise, integ = L.gaussian_noise.from_diffusion(1, 0.2), L.euler(0.01)
    big = L.escape_study(WELL, noise, integ, LEFT, -1.0, paths=200, horizon=100, seed=4, threads=1)
    all_ = L.escape_study(WELL, noise, integ, LEFT, -1.0, paths=200, horizon=100, seed=4)
    np.testing.assert_array_equal(big.time, all_.time)
    part = L.escape_study(WELL, noise, integ, LEFT, -1.0, paths=50, horizon=100, seed=4, first_stream=100)
    np.testing.assert_array_equal(part.time, big.time[100:150])
    np.testing.assert_array_equal(part.status, big.status[100:150])
    assert big.censored == np.sum(big.status == 1)


def test_two_dimensional_study_and_sgd_recursion():
    q = L.quadratic([[1.0, 0.0], [0.0, 4.0]], [0.0, 0.0])
    r = L.escape_study(q, L.gaussian_noise.isotropic(2, 0.7), L.tamed_euler(0.01), L.box([-1, -1], [1, 1]),
                       [0.0, 0.0], paths=400, horizon=1e3, seed=2, keep_paths=False)
    assert r.exited == 400 and r.axis(0).value > r.axis(1).value  # the flat axis
    assert r.axis(0).value + r.axis(1).value == pytest.approx(1)
    assert r.time.shape == (0,)
    b = L.escape_study(q, L.stable_noise([1.2, 1.8], [0.3, 0.3]), L.euler(0.01), L.ball([0, 0], 1.0),
                       np.zeros(2), paths=300, horizon=1e3, seed=2)
    assert b.exited == 300 and b.point.shape == (300, 2)
    assert np.all(np.hypot(b.point[:, 0], b.point[:, 1]) >= 1.0)
    s = L.escape_study(WELL, L.stable_noise(1, 1.5, 0.5), L.sgd_recursion(0.01), LEFT, -1.0,
                       paths=200, horizon=1e3, seed=5)
    assert s.exited + s.censored + s.non_finite == 200


def test_transition_study():
    t = L.transition_study(WELL, L.stable_noise(1, 1.5, 0.1), L.tamed_euler(0.01),
                           L.interval_basins([-math.inf, -0.5], [-0.5, math.inf]), -1.0,
                           paths=20, horizon=2000, seed=3)
    assert t.counts.shape == (2, 2) and t.counts[0, 1] > 0
    assert np.allclose(t.rates.sum(axis=1), 0)
    assert t.occupation_fraction.sum() == pytest.approx(1)


@pytest.mark.parametrize("call,exc,words", [
    (lambda: L.escape_study(WELL, L.euler(0.1), L.euler(0.1), LEFT, -1.0, horizon=10), TypeError, ["noise"]),
    (lambda: L.escape_study(WELL, L.stable_noise(1, 1.5, 0.1), LEFT, LEFT, -1.0, horizon=10), TypeError, ["integrator"]),
    (lambda: L.escape_study(WELL, L.stable_noise(1, 1.5, 0.1), L.euler(0.1), L.box([0, 0], [1, 1]), -1.0, horizon=10), ValueError, ["domain.dimension()"]),
    (lambda: L.escape_study("well", L.stable_noise(1, 1.5, 0.1), L.euler(0.1), LEFT, -1.0, horizon=10), TypeError, ["potential"]),
    (lambda: L.escape_study(WELL, L.stable_noise(1, 1.5, 0.1), L.euler(0.1), LEFT, [1.0, 2.0], horizon=10), ValueError, ["x0"]),
    (lambda: L.escape_study(WELL, L.stable_noise(1, 1.5, 0.1), L.euler(0.1), LEFT, -1.0), ValueError, ["horizon"]),
    (lambda: L.escape_study(WELL, L.stable_noise(1, 1.5, 0.1), L.euler(0.1), LEFT, -1.0, horizon=-1), ValueError, ["horizon"]),
    (lambda: L.escape_study(WELL, L.stable_noise(1, 1.5, 0.1), L.euler(0.1), LEFT, -1.0, horizon=1, progress="yes"), TypeError, ["progress"]),
    (lambda: L.escape_study(WELL, L.stable_noise(2, 1.5, 0.1), L.euler(0.1), LEFT, -1.0, horizon=1), ValueError, ["dimension"]),
    (lambda: L.stable_noise(1, 2.5, 0.1), ValueError, ["alpha"]),
    (lambda: L.euler(-0.1), ValueError, ["dt"]),
    (lambda: L.double_well(1.0, 0.0, 2.0), ValueError, ["polynomial_well", "maxima"]),
    (lambda: L.quadratic(np.eye(3), np.zeros(2)), ValueError, ["minimum.size()"]),
])
def test_bad_study_input(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for w in words:
        assert w in str(info.value), str(info.value)
