"""The package gives the C++ library's numbers bit for bit for the same seed.

python/tests/cpp_reference.cpp, built with the module's own compiler flags
(LEVYSGD_PYTHON_REFERENCE=ON; the ctest `python_package` does it), prints the
C++ results; set LEVYSGD_CPP_REFERENCE to the folder of those programs
(one per compiled variant: levysgd_py_reference[_avx2|_avx512]) to run these
tests. The variant that runs (levysgd.simd) is compared with its own program.
"""
import os
import subprocess

import numpy as np
import pytest

import levysgd

DIR = os.environ.get("LEVYSGD_CPP_REFERENCE")
EXE = DIR and os.path.join(DIR, "levysgd_py_reference" + ("" if levysgd.simd == "baseline" else "_" + levysgd.simd))
pytestmark = pytest.mark.skipif(
    not DIR, reason="LEVYSGD_CPP_REFERENCE (the folder of the cpp_reference programs) not set")

LAWS = {"a1.5": (1.5, 0, 1, 0, "S1"), "a0.7": (0.7, 0.9, 2, 1, "S0"),
        "a1.0": (1.0, 0.5, 1, 0, "S1"), "a2.0": (2.0, 0, 3, -1, "S1")}
X = [-30, -3, -0.5, 0, 0.25, 1, 4, 100]
Q = [0, 1e-6, 0.01, 0.3, 0.5, 0.9, 1 - 1e-6, 1]


def _run(exe):
    text = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    out = {}
    for line in text.splitlines():
        words = line.split()
        n = 3 if words[0] not in ("mle", "bootstrap", "coordinates", "study", "simulate", "transition") \
            else (1 if words[0] in ("mle", "bootstrap") else 2)
        out[" ".join(words[:n])] = np.array([float(w) for w in words[n:]])
    return out


@pytest.fixture(scope="module")
def cpp():
    return _run(EXE)


@pytest.fixture(scope="module")
def cpp_sde():
    """The reference built with the flags of the studies module that runs
    (_levysgd_sde or _levysgd_sde_avx2: AVX-512 machines run the AVX2 one)."""
    avx2 = levysgd._sde.__name__.endswith("_avx2")
    return _run(os.path.join(DIR, "levysgd_py_reference" + ("_avx2" if avx2 else "")))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(LAWS))
def test_laws(cpp, name, dtype):
    t = "f32" if dtype == "float32" else "f64"
    a, b, s, l, p = LAWS[name]
    d = levysgd.stable(a, b, s, l, p)
    x = d.rvs(1000, seed=42, stream=3, first_index=7, dtype=dtype)
    assert x.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(x, cpp[f"rvs {name} {t}"].astype(dtype))
    xs, qs = np.array(X, dtype), np.array(Q, dtype)
    for fn in ("pdf", "logpdf", "cdf", "sf"):
        np.testing.assert_array_equal(getattr(d, fn)(xs), cpp[f"{fn} {name} {t}"].astype(dtype))
    for fn in ("ppf", "isf"):
        np.testing.assert_array_equal(getattr(d, fn)(qs), cpp[f"{fn} {name} {t}"].astype(dtype))
    if a != 2.0:
        assert levysgd.tail_index(x) == cpp[f"tail_index {name} {t}"][0]
        assert levysgd.hill(x, k=50) == cpp[f"hill {name} {t}"][0]
        f = levysgd.fit_stable(x)
        c = cpp[f"mcculloch {name} {t}"]
        assert (f.alpha, f.beta, f.scale, f.loc) == (c[0], c[1], c[2], c[4])
        assert levysgd.fit_stable(x, param="S0").loc == c[3]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sample_coordinates(cpp, dtype):
    t = "f32" if dtype == "float32" else "f64"
    g = levysgd.sample_coordinates([1.1, 1.5, 1.9, 2.0, 0.8], [1, 2, 0.5, 1, 3], 7, beta=0.25,
                                   param="S0", seed=5, stream=2, first_index=11, dtype=dtype)
    assert g.shape == (7, 5)
    np.testing.assert_array_equal(g.ravel(), cpp[f"coordinates {t}"].astype(dtype))


def test_mle_and_bootstrap(cpp):
    x = levysgd.stable(1.5, 0.3).rvs(4000, seed=3)
    f = levysgd.fit_stable(x, method="mle")
    c = cpp["mle"]
    assert (f.alpha, f.beta, f.scale, f.loc) == (c[0], c[1], c[2], c[4])
    assert (f.alpha_se, f.beta_se, f.scale_se, f.loc_se) == tuple(c[5:9])
    b = levysgd.bootstrap_tail_index(x, resamples=50, confidence=0.9, seed=7, stream=1)
    assert (b.value, b.low, b.high) == tuple(cpp["bootstrap"])


# The generic path of the studies (python/src/sde_generic.hpp) against the C++
# studies with fixed-type pieces: the same exit step of every path.
STUDY = dict(paths=64, horizon=20, seed=11, threads=2, progress=False)


def _steps(r):
    return np.concatenate([[r.exited], r.steps])


def test_generic_studies(cpp_sde):
    cpp = cpp_sde
    np.testing.assert_array_equal(_steps(levysgd.escape_study(
        levysgd.styblinski_tang(3), levysgd.stable_noise(3, 1.5, 1.0), levysgd.euler(0.01),
        levysgd.Box([-4.5] * 3, [0.0] * 3), [-2.9] * 3, **STUDY)), cpp["study styb3"])
    np.testing.assert_array_equal(_steps(levysgd.escape_study(
        levysgd.ackley(), levysgd.gaussian_noise.with_covariance([[0.5, 0.1], [0.1, 0.3]]),
        levysgd.tamed_euler(0.01), levysgd.ball([0, 0], 0.8), [0.1, 0.0], **STUDY)), cpp["study ackley"])
    np.testing.assert_array_equal(_steps(levysgd.escape_study(
        levysgd.double_well(-1.0, 0.0, 2.0), levysgd.stable_noise(1, 1.2, 0.5), levysgd.implicit_euler(0.05),
        levysgd.interval(-3, 0), -1.0, **STUDY)), cpp["study implicit"])
    q = levysgd.quadratic(np.diag([1.0, 2.0, 3.0]), np.zeros(3))
    n = levysgd.mixture_noise(levysgd.gaussian_noise.isotropic(3, 0.4),
                              levysgd.stable_noise([1.2, 1.6, 1.9], [0.2, 0.2, 0.2]))
    np.testing.assert_array_equal(_steps(levysgd.escape_study(
        q, n, levysgd.euler(0.01), levysgd.loss_threshold(q, np.zeros(3), 0.5), np.zeros(3), **STUDY)),
        cpp["study loss"])


def test_generic_simulate_and_transition(cpp_sde):
    cpp = cpp_sde
    h = np.eye(4)
    h[0, 1] = h[1, 0] = 0.5
    q = levysgd.quadratic(h, np.zeros(4))
    s = levysgd.simulate_paths(q, levysgd.hessian_noise(q, 0.5), levysgd.euler(0.01), [1, 0, -1, 0.5],
                               paths=16, horizon=1, seed=5, progress=False)
    assert s.states.shape == (4, 16) and s.steps == 100
    # column-major in C++: the transpose of the (4, 16) array, flattened
    np.testing.assert_allclose(s.states.T.ravel(), cpp["simulate quad4"], rtol=1e-12, atol=1e-14)
    t = levysgd.transition_study(
        levysgd.double_well(-1.0, 0.0, 2.0),
        levysgd.mixture_noise(levysgd.gaussian_noise.isotropic(1, 0.5), levysgd.stable_noise(1, 1.5, 0.3)),
        levysgd.euler(0.01), levysgd.interval_basins([-1e300, 0.0], [0.0, 1e300]), -1.0,
        paths=16, horizon=50, seed=3, progress=False)
    c = cpp["transition mixture"]
    np.testing.assert_array_equal(t.counts.T.ravel(), c[:4])  # Eigen: column-major
    np.testing.assert_allclose(t.occupation, c[4:], rtol=1e-12)


def test_scheduled_and_mixed_studies(cpp_sde):
    """Exponential and multi-step schedulers, and mixtures of any two models
    (issue 21), on the generic path: every path's exit step as in C++."""
    cpp = cpp_sde
    w = levysgd.double_well(-1.0, 0.0, 2.0)
    r = levysgd.escape_study(
        w, levysgd.stable_noise(1, 1.5, 0.8, scheduler=levysgd.exponential_scheduler(0.5, t_min=2.0)),
        levysgd.euler(0.01), levysgd.interval(-3, 0), -1.0, **STUDY)
    assert r.exited > 5
    np.testing.assert_array_equal(_steps(r), cpp["study expsched"])
    n = levysgd.gaussian_noise.with_covariance(
        [[0.5, 0.1], [0.1, 0.3]], scheduler=levysgd.multistep_scheduler([2.0, 5.0], [0.5, 0.25]))
    assert isinstance(n, levysgd.ScheduledNoise)
    r = levysgd.escape_study(levysgd.quadratic([[1.0, 0.3], [0.3, 2.0]], [0.0, 0.0]), n, levysgd.tamed_euler(0.01),
                             levysgd.box([-1, -1], [1, 1]), [0.1, 0.0], **STUDY)
    assert r.exited > 5
    np.testing.assert_array_equal(_steps(r), cpp["study multistep"])
    n = levysgd.mixture_noise(
        levysgd.hessian_noise(w, 0.5, "absolute", scheduler=levysgd.exponential_scheduler(0.8)),
        levysgd.stable_noise(1, 1.3, 0.3))
    r = levysgd.escape_study(w, n, levysgd.tamed_euler(0.01), levysgd.interval(-3, 0), -1.0, **STUDY)
    assert r.exited > 5
    np.testing.assert_array_equal(_steps(r), cpp["study hess+stable"])
    n = levysgd.mixture_noise(
        levysgd.stable_noise([1.2, 1.8], [0.3, 0.3]),
        levysgd.stable_noise(2, 1.5, 0.2, scheduler=levysgd.multistep_scheduler([3.0], [0.5])))
    r = levysgd.escape_study(levysgd.quadratic([[1.0, 0.0], [0.0, 2.0]], [0.0, 0.0]), n, levysgd.euler(0.01),
                             levysgd.ball([0, 0], 1.0), [0.1, 0.0], **STUDY)
    assert r.exited > 5
    np.testing.assert_array_equal(_steps(r), cpp["study stable+stable"])
    t = levysgd.transition_study(
        w, levysgd.mixture_noise(levysgd.stable_noise(1, 1.5, 0.4, scheduler=levysgd.exponential_scheduler(0.5)),
                                 levysgd.gaussian_noise.isotropic(1, 0.3)),
        levysgd.euler(0.01), levysgd.interval_basins([-1e300, 0.0], [0.0, 1e300]), -1.0,
        paths=16, horizon=50, seed=3, progress=False)
    np.testing.assert_array_equal(t.counts.T.ravel(), cpp["transition scheduled"])
