"""The studies' generic path (python/src/sde_generic.hpp): every combination of
built-in pieces in any dimension. Against the C++ fixed-type studies:
test_cpp_identical.py; here against the package's fast path where they
overlap, and the errors."""
import math

import numpy as np
import pytest

import levysgd as L

KW = dict(paths=128, horizon=20, seed=7, progress=False)


def test_generic_equals_fast_path_2d():
    h, m = [[1.0, 0.2], [0.2, 2.0]], [0.0, 0.0]
    fast = L.escape_study(L.Quadratic2D(h, m), L.stable_noise([1.3, 1.8], [0.4, 0.4]), L.euler(0.01),
                          L.Box2D([-1, -1], [1, 1]), [0.1, 0.0], **KW)
    slow = L.escape_study(L.Quadratic(h, m), L.stable_noise([1.3, 1.8], [0.4, 0.4]), L.euler(0.01),
                          L.Box([-1, -1], [1, 1]), [0.1, 0.0], **KW)
    assert fast.exited > 10
    np.testing.assert_array_equal(fast.steps, slow.steps)
    np.testing.assert_array_equal(fast.coordinate, slow.coordinate)
    np.testing.assert_allclose(fast.point, slow.point, rtol=1e-12)


def test_generic_equals_fast_path_1d():
    w = L.double_well(-1.0, 0.0, 2.0)
    fast = L.escape_study(w, L.gaussian_noise.isotropic(1, 0.8), L.tamed_euler(0.01), L.interval(-5, 0), -1.0, **KW)
    slow = L.escape_study(w, L.gaussian_noise.isotropic(1, 0.8), L.tamed_euler(0.01), L.Box([-5], [0]), -1.0, **KW)
    np.testing.assert_array_equal(fast.steps, slow.steps)
    assert fast.mean_exit_time.value == pytest.approx(slow.mean_exit_time.value, rel=1e-12)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5, 8])
def test_any_dimension(d):
    f = L.styblinski_tang(d)
    x0 = np.full(d, -2.9)
    r = L.escape_study(f, L.stable_noise(d, 1.6, 1.0), L.implicit_euler(0.02), L.ball(x0, 1.5), x0,
                       paths=32, horizon=5, seed=1, progress=False)
    assert r.point.shape == (32, d) and len(r.axes) == d
    assert r.exited + r.censored + r.non_finite == 32
    s = L.simulate_paths(f, L.gaussian_noise.isotropic(d, 0.3), L.euler(0.01), x0, paths=10, horizon=1,
                         seed=2, threads=1, progress=False)
    assert s.states.shape == (d, 10) and s.steps == 100 and s.non_finite == 0
    s2 = L.simulate_paths(f, L.gaussian_noise.isotropic(d, 0.3), L.euler(0.01), x0, paths=10, horizon=1,
                          seed=2, threads=3, progress=False)
    np.testing.assert_array_equal(s.states, s2.states)


def test_simulate_paths_first_stream():
    f = L.quadratic(np.eye(3), np.zeros(3))
    n = L.hessian_noise(f, 0.5, part="absolute")
    a = L.simulate_paths(f, n, L.sgd_recursion(0.05), np.ones(3), paths=20, horizon=1, seed=4, progress=False)
    b = L.simulate_paths(f, n, L.sgd_recursion(0.05), np.ones(3), paths=5, horizon=1, seed=4, first_stream=15,
                         progress=False)
    np.testing.assert_array_equal(a.states[:, 15:], b.states)


BAD = [
    (lambda: L.escape_study(L.styblinski_tang(3), L.stable_noise(3, 1.5, 1.0), L.euler(0.01),
                            L.Box([-4] * 3, [0] * 3), [-1.0, -1.0], horizon=1), ValueError, ["x0", "3"]),
    (lambda: L.escape_study(L.styblinski_tang(3), L.stable_noise(2, 1.5, 1.0), L.euler(0.01),
                            L.Box([-4] * 3, [0] * 3), [-1.0] * 3, horizon=1), ValueError, ["noise.dimension()"]),
    (lambda: L.escape_study(L.styblinski_tang(3), L.stable_noise(3, 1.5, 1.0), L.euler(0.01),
                            L.ball([0, 0], 1.0), [-1.0] * 3, horizon=1), ValueError, ["domain.dimension()"]),
    (lambda: L.escape_study(L.ackley(), L.stable_noise(2, 1.5, 1.0), L.implicit_euler(0.01),
                            L.ball([0, 0], 1.0), [0.1, 0.0], horizon=1), ValueError, ["implicit_euler", "Hessian"]),
    (lambda: L.hessian_noise(L.ackley(), 0.5), ValueError, ["potential", "Hessian"]),
    (lambda: L.hessian_noise(L.quadratic(np.eye(3), np.zeros(3)), 0.5, part="both"), ValueError, ["part"]),
    (lambda: L.escape_study(L.ackley(), "noise", L.euler(0.01), L.ball([0, 0], 1.0), [0.1, 0.0], horizon=1),
     TypeError, ["noise"]),
    (lambda: L.escape_study(L.ackley(), L.stable_noise(2, 1.5, 1.0), L.euler(0.01), 3.0, [0.1, 0.0], horizon=1),
     TypeError, ["domain"]),
    (lambda: L.simulate_paths(object(), L.stable_noise(2, 1.5, 1.0), L.euler(0.01), [0.0, 0.0], horizon=1),
     TypeError, ["potential"]),
    (lambda: L.simulate_paths(L.ackley(), L.stable_noise(2, 1.5, 1.0), L.Box([0], [1]), [0.0, 0.0], horizon=1),
     TypeError, ["integrator"]),
    (lambda: L.transition_study(L.ackley(), L.stable_noise(2, 1.5, 1.0), L.euler(0.01),
                                L.interval_basins([-1, 0], [0, 1]), [0.1, 0.0], horizon=1), ValueError, ["1-D"]),
    (lambda: L.gaussian_noise.with_covariance([1.0, 2.0, 3.0]), ValueError, ["covariance"]),
    (lambda: L.gaussian_noise.with_covariance([[1.0, 2.0], [2.0, 1.0]]), ValueError, ["eigenvalue"]),
    (lambda: L.quadratic(np.eye(3), np.zeros(2)), ValueError, ["minimum.size()"]),
    (lambda: L.loss_threshold(L.quadratic(np.eye(3), np.zeros(3)), np.zeros(2), 0.5), ValueError, ["w_star"]),
    (lambda: L.escape_study(L.ackley(), L.stable_noise(2, 1.5, 1.0), L.euler(0.01), L.ball([0, 0], 1.0),
                            [0.1, 0.0], horizon=1, progress="yes"), TypeError, ["progress", "callable"]),
    # schedulers and mixtures (issue 21): the C++ messages, naming the parameter
    (lambda: L.exponential_scheduler(0.0), ValueError, ["gamma", "(0, 1]"]),
    (lambda: L.exponential_scheduler(1.5), ValueError, ["gamma"]),
    (lambda: L.exponential_scheduler(0.5, t_min=0.0), ValueError, ["t_min"]),
    (lambda: L.exponential_scheduler(0.5, t_min=math.inf), ValueError, ["t_min"]),
    (lambda: L.multistep_scheduler([1.0, 2.0], [0.5]), ValueError, ["factors.size()", "boundaries.size() = 2"]),
    (lambda: L.multistep_scheduler([2.0, 1.0], [0.5, 0.25]), ValueError, ["boundaries[1]", "increasing"]),
    (lambda: L.multistep_scheduler([-1.0], [0.5]), ValueError, ["boundaries[0]"]),
    (lambda: L.multistep_scheduler([1.0, 2.0], [0.5, 0.0]), ValueError, ["factors[1]", "(0, 1]"]),
    (lambda: L.multistep_scheduler([1.0], [-0.5]), ValueError, ["factors[0]"]),
    (lambda: L.multistep_scheduler([1.0], "x"), (TypeError, ValueError), ["factors"]),
    (lambda: L.constant_scheduler(0.0), ValueError, ["value"]),
    (lambda: L.stable_noise(1, 1.5, 0.5, scheduler=lambda t: 1.0), TypeError,
     ["scheduler", "Python callable", "GIL", "constant_scheduler", "exponential_scheduler", "multistep_scheduler"]),
    (lambda: L.gaussian_noise.isotropic(1, 0.5, scheduler=math.sqrt), TypeError, ["scheduler", "Python callable"]),
    (lambda: L.gaussian_noise.with_covariance(np.eye(2), scheduler=0.5), TypeError,
     ["with_covariance", "scheduler", "float"]),
    (lambda: L.hessian_noise(L.double_well(-1, 0, 1), 0.5, scheduler="exponential"), TypeError,
     ["hessian_noise", "scheduler", "str"]),
    (lambda: L.mixture_noise(L.stable_noise(1, 1.5, 0.5), "gaussian"), TypeError,
     ["mixture_noise", "second", "str"]),
    (lambda: L.mixture_noise(object(), L.stable_noise(1, 1.5, 0.5)), TypeError, ["mixture_noise", "first", "object"]),
    (lambda: L.mixture_noise(L.mixture_noise(L.stable_noise(1, 1.5, 0.5), L.stable_noise(1, 1.2, 0.5)),
                             L.stable_noise(1, 1.5, 0.5)), TypeError, ["first", "mixture inside a mixture"]),
    (lambda: L.mixture_noise(L.stable_noise(2, 1.5, 0.5), L.gaussian_noise.isotropic(3, 0.5)), ValueError,
     ["second.dimension()", "first.dimension() = 2"]),
    (lambda: L.escape_study(L.double_well(-1, 0, 2), L.stable_noise(1, 1.5, 0.5, scheduler=L.exponential_scheduler(0.5)),
                            L.euler(0.01), L.interval(-3, 0), [-1.0, 0.0], horizon=1), ValueError, ["x0"]),
]


@pytest.mark.parametrize("call,exc,words", BAD)
def test_bad_generic_input(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for w in words:
        assert w in str(info.value), str(info.value)


@pytest.mark.parametrize("fast", [True, False])
def test_progress_callable(fast):
    calls = []
    w = L.double_well(-1.0, 0.0, 2.0)
    dom = L.interval(-3, 0) if fast else L.Box([-3], [0])
    plain = L.escape_study(w, L.stable_noise(1, 1.5, 0.5), L.euler(0.01), dom, -1.0, paths=300, horizon=20,
                           seed=2, threads=2, progress=False)
    r = L.escape_study(w, L.stable_noise(1, 1.5, 0.5), L.euler(0.01), dom, -1.0, paths=300, horizon=20,
                       seed=2, threads=2, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (300, 300) and calls == sorted(calls)
    np.testing.assert_array_equal(r.steps, plain.steps)
    t = []
    L.transition_study(w, L.gaussian_noise.isotropic(1, 0.5), L.euler(0.01),
                       L.interval_basins([-10, 0], [0, 10]), -1.0, paths=70, horizon=5,
                       progress=lambda d, n: t.append(d))
    assert t[-1] == 70
    s = []
    L.simulate_paths(w, L.gaussian_noise.isotropic(1, 0.5), L.euler(0.01), -1.0, paths=70, horizon=1,
                     progress=lambda d, n: s.append(d))
    assert s[-1] == 70


def test_progress_callable_raises():
    def stop(done, total):
        raise KeyboardInterrupt("stop")
    with pytest.raises(KeyboardInterrupt, match="stop"):
        L.simulate_paths(L.styblinski_tang(2), L.gaussian_noise.isotropic(2, 0.5), L.euler(0.01), [0, 0],
                         paths=100, horizon=1, progress=stop)


def test_schedulers():
    """The built-in schedulers evaluate as C++'s (sde/scheduler.hpp); the
    constant one keeps the fast path's noise types, the others give
    ScheduledNoise (generic path); s_t = 1 throughout equals no scheduler."""
    e = L.exponential_scheduler(0.5, t_min=2.0)
    assert (e.gamma, e.t_min) == (0.5, 2.0)
    assert e(0.5) == 2.0 ** -0.5 and e(8.0) == 8.0 ** -0.5
    m = L.multistep_scheduler([1.0, 3.0], [0.5, 0.25])
    assert (m.boundaries, m.factors) == ([1.0, 3.0], [0.5, 0.25])
    assert [m(t) for t in (0.5, 1.0, 2.0, 3.0, 4.0)] == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert L.constant_scheduler()(7.0) == 1.0 and L.constant_scheduler(0.5).value == 0.5
    assert isinstance(L.stable_noise(1, 1.5, 0.5, scheduler=L.constant_scheduler()), L.StableNoise)
    assert isinstance(L.gaussian_noise.from_diffusion(1, 0.5, scheduler=L.constant_scheduler(0.5)),
                      L.GaussianNoise)
    s = L.stable_noise([1.2, 1.7], [0.5, 0.5], scheduler=e)
    assert isinstance(s, L.ScheduledNoise) and s.dimension() == 2
    w = L.double_well(-1.0, 0.0, 2.0)
    plain = L.escape_study(w, L.stable_noise(1, 1.5, 0.5), L.euler(0.01), L.interval(-3, 0), -1.0, **KW)
    one = L.escape_study(w, L.stable_noise(1, 1.5, 0.5, scheduler=L.multistep_scheduler([1e9], [0.5])),
                         L.euler(0.01), L.interval(-3, 0), -1.0, **KW)
    assert plain.exited > 10
    np.testing.assert_array_equal(plain.steps, one.steps)
    # a decaying scheduler lowers the noise: fewer exits than without it
    low = L.escape_study(w, L.stable_noise(1, 1.5, 0.5, scheduler=L.multistep_scheduler([0.0], [0.01])),
                         L.euler(0.01), L.interval(-3, 0), -1.0, **KW)
    assert low.exited < plain.exited
    # a constant scheduler's value scales the fast path's noise: s = 0.25 is sigma / 2
    a = L.escape_study(w, L.gaussian_noise.isotropic(1, 1.0, scheduler=L.constant_scheduler(0.25)),
                       L.euler(0.01), L.interval(-3, 0), -1.0, **KW)
    b = L.escape_study(w, L.gaussian_noise.isotropic(1, 0.5), L.euler(0.01), L.interval(-3, 0), -1.0, **KW)
    np.testing.assert_array_equal(a.steps, b.steps)


def test_mixture_of_any_two():
    w = L.double_well(-1.0, 0.0, 2.0)
    sched = L.exponential_scheduler(0.7)
    models = [L.gaussian_noise.isotropic(1, 0.3), L.gaussian_noise.with_covariance([[0.09]], scheduler=sched),
              L.stable_noise(1, 1.5, 0.3), L.stable_noise([1.2], [0.2], scheduler=sched),
              L.hessian_noise(w, 0.2, "absolute", scheduler=sched)]
    for a in models:
        for b in models:
            r = L.escape_study(w, L.mixture_noise(a, b), L.tamed_euler(0.01), L.interval(-3, 0), -1.0,
                               paths=8, horizon=2, seed=1, progress=False)
            assert r.exited + r.censored == 8 and r.non_finite == 0
