"""levysgd: alpha-stable noise, tail indices and escape times for SGD research.

Python bindings of the header-only C++ library of the same name (nanobind):
the same code, the same numbers for the same seed. API reference:
docs/python-api.md; papers by author-year key: docs/references.md.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import importlib
import importlib.util
import os
import sys


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _simd_variants():
    """The compiled variants this CPU runs, best first (docs/python-api.md,
    "Instruction sets"). Linux reports in /proc/cpuinfo only what the OS enables."""
    flags = _cpu_flags()
    v3 = {"avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm"}
    v4 = v3 | {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}
    return ([("avx512", "_levysgd_avx512")] if v4 <= flags else []) + \
           ([("avx2", "_levysgd_avx2")] if v3 <= flags else []) + [("baseline", "_levysgd")]


def _load():
    forced = os.environ.get("LEVYSGD_SIMD")
    names = {"avx512": "_levysgd_avx512", "avx2": "_levysgd_avx2", "baseline": "_levysgd"}
    if forced:
        if forced not in names:
            raise ImportError(f"levysgd: LEVYSGD_SIMD must be baseline, avx2 or avx512, got {forced!r}")
        if forced not in [v for v, _ in _simd_variants()]:
            raise ImportError(f"levysgd: LEVYSGD_SIMD={forced}: this CPU does not run it")
        candidates = [(forced, names[forced])]
    else:
        candidates = _simd_variants()
    for variant, name in candidates:
        try:
            mod = importlib.import_module("." + name, __name__)
        except ImportError:
            if forced:
                raise
            continue  # not built (a single-arch build, or not x86-64)
        sys.modules[__name__ + "._levysgd"] = mod
        return variant, mod
    raise ImportError("levysgd: no compiled module found (build with pip install .)")


#: Which compiled variant runs: "avx512", "avx2" or "baseline" (SSE2).
simd, _levysgd = _load()
_sde = importlib.import_module(
    "._levysgd_sde_avx2" if simd in ("avx2", "avx512") and importlib.util.find_spec(
        __name__ + "._levysgd_sde_avx2") else "._levysgd_sde", __name__)

if TYPE_CHECKING:  # what editors and type checkers see (python/levysgd/_levysgd*.pyi)
    from ._levysgd import (Stable, sample_coordinates, gradient_noise, noise_covariance,
                           kramers_escape_time, sgd_escape_time, total_escape_rate,
                           minima_selection, gibbs_log_weight, gibbs_probability_ratio,
                           gibbs_noise_threshold, stable_levy_constant, levy_jump_rate,
                           LevyMetastability, LevyExitModel, effective_batch_size,
                           MinibatchSampler)
    from ._levysgd_sde import (PolynomialWell, double_well, GaussianNoise, StableNoise, Euler,
                               TamedEuler, SGDRecursion, Interval, Box2D, Ball2D,
                               IntervalBasins, Quadratic2D, Quadratic, Ackley, StyblinskiTang,
                               HessianNoise, MixtureNoise, ImplicitEuler, Box, Ball,
                               LossThreshold, ScheduledNoise, ConstantScheduler,
                               ExponentialScheduler, MultistepScheduler)
else:
    for _name in ("Stable", "sample_coordinates", "gradient_noise", "noise_covariance",
                  "kramers_escape_time", "sgd_escape_time", "total_escape_rate",
                  "minima_selection", "gibbs_log_weight", "gibbs_probability_ratio",
                  "gibbs_noise_threshold", "stable_levy_constant", "levy_jump_rate",
                  "LevyMetastability", "LevyExitModel", "effective_batch_size",
                  "MinibatchSampler"):
        globals()[_name] = getattr(_levysgd, _name)
    for _name in ("PolynomialWell", "double_well", "GaussianNoise", "StableNoise", "Euler",
                  "TamedEuler", "SGDRecursion", "Interval", "Box2D", "Ball2D", "IntervalBasins",
                  "Quadratic2D", "Quadratic", "Ackley", "StyblinskiTang", "HessianNoise",
                  "MixtureNoise", "ImplicitEuler", "Box", "Ball", "LossThreshold", "ScheduledNoise",
                  "ConstantScheduler", "ExponentialScheduler", "MultistepScheduler"):
        globals()[_name] = getattr(_sde, _name)
    del _name

levy_exit_model = LevyExitModel
polynomial_well = PolynomialWell
gaussian_noise = GaussianNoise
euler = Euler
tamed_euler = TamedEuler
sgd_recursion = SGDRecursion
interval = Interval
implicit_euler = ImplicitEuler
ackley = Ackley
styblinski_tang = StyblinskiTang
hessian_noise = HessianNoise
mixture_noise = MixtureNoise
constant_scheduler = ConstantScheduler
exponential_scheduler = ExponentialScheduler
multistep_scheduler = MultistepScheduler
loss_threshold = LossThreshold
interval_basins = IntervalBasins


def _step_class(name, dtype):
    kind = {"float64": "_f64", "float32": "_f32"}.get(getattr(dtype, "__name__", str(dtype)))
    if kind is None:
        import numpy
        kind = {"float64": "_f64", "float32": "_f32"}.get(numpy.dtype(dtype).name)
    if kind is None:
        raise TypeError(f"levysgd.{name}: dtype must be float32 or float64, got {dtype!r}")
    return getattr(_levysgd, {"sgd": "SGD", "noise_enhanced_sgd": "NoiseEnhancedSGD", "sgld": "SGLD",
                              "stable_noise_sgd": "StableNoiseSGD"}[name] + kind)


def sgd(n, batch, eta, seed=0, stream=0, sampling="with_replacement", dtype="float64"):
    """Plain minibatch SGD, w <- w - eta g_B (C++ ``sgd<Real>``). ``step(w, oracle)``
    updates the caller's float32/float64 array w in place (NumPy, or a PyTorch
    tensor through DLPack); oracle has ``samples``, ``dimension`` and
    ``gradient(w, indices, g)`` writing the mean minibatch gradient into g."""
    return _step_class("sgd", dtype)(n, batch, eta, seed, stream, sampling)


def noise_enhanced_sgd(n, batch, eta, a, seed=0, stream=0, sampling="with_replacement",
                       dtype="float64"):
    """Noise-enhanced SGD, w <- w - eta [a g_B + (1 - a) g_B'] (Mori & Ueda 2020 eq. 6)."""
    return _step_class("noise_enhanced_sgd", dtype)(n, batch, eta, a, seed, stream, sampling)


def sgld(n, batch, eta, temperature, seed=0, stream=0, sampling="with_replacement",
         dtype="float64"):
    """SGLD, w <- w - eta g_B + sqrt(2 eta T) xi (Welling & Teh 2011)."""
    return _step_class("sgld", dtype)(n, batch, eta, temperature, seed, stream, sampling)


def stable_noise_sgd(n, batch, eta, alphas, scales, seed=0, stream=0,
                     sampling="with_replacement", dtype="float64"):
    """SGD plus per-coordinate SaS noise, scale_l eta^(1/alpha_l) S_l (Battash &
    Lindenbaum 2023 eq. 3, Euler step with dt = eta)."""
    return _step_class("stable_noise_sgd", dtype)(n, batch, eta, list(alphas), list(scales),
                                                  seed, stream, sampling)


def minibatch_sampler(n, batch, sampling="with_replacement", seed=0, stream=0):
    """The minibatches a step built with the same arguments draws (C++ ``minibatch_sampler``)."""
    return MinibatchSampler(n, batch, sampling, seed, stream)

__all__ = [
    "Stable", "stable", "FitResult", "fit_stable", "sample_coordinates",
    "tail_index", "hill", "BootstrapResult", "bootstrap_tail_index",
    "gradient_noise", "NoiseTails", "analyse_noise_tails", "noise_covariance",
    "compare_covariance_with_hessian", "simd",
    "kramers_escape_time", "sgd_escape_time", "total_escape_rate", "minima_selection",
    "mean_exit_time_1d", "ExitTime1D", "gibbs_log_weight", "gibbs_probability_ratio",
    "gibbs_noise_threshold", "stable_levy_constant", "levy_jump_rate", "LevyMetastability",
    "levy_metastability", "LevyExitModel", "levy_exit_model",
    "polynomial_well", "double_well", "quadratic", "gaussian_noise", "stable_noise", "euler",
    "tamed_euler", "sgd_recursion", "interval", "box", "ball", "interval_basins",
    "Estimate", "EscapeResult", "escape_study", "TransitionResult", "transition_study",
    "TerminalStates", "simulate_paths", "implicit_euler", "ackley", "styblinski_tang",
    "hessian_noise", "mixture_noise", "loss_threshold", "constant_scheduler",
    "exponential_scheduler", "multistep_scheduler",
    "sgd", "noise_enhanced_sgd", "sgld", "stable_noise_sgd", "minibatch_sampler",
    "effective_batch_size",
]


def stable(alpha, beta, scale=1.0, loc=0.0, param="S1") -> Stable:
    """The alpha-stable law S(alpha, beta, scale, loc) in parameterization
    "S1" (Samorodnitsky-Taqqu, scipy's default) or "S0" (Nolan 1997).

    C++: ``levysgd::stable_distribution<Real>`` (docs/stable.md). Methods as
    scipy.stats frozen laws: pdf, logpdf, cdf, sf, ppf, isf (Nolan 1997
    integrals), rvs (Chambers-Mallows-Stuck, Philox streams), support, median.
    Raises ValueError for alpha outside (0, 2], |beta| > 1, scale <= 0.
    """
    return Stable(alpha, beta, scale, loc, param)


@dataclass(frozen=True)
class FitResult:
    """A fitted stable law (C++ ``stable_quantile_fit`` / ``stable_mle_result``)."""
    alpha: float
    beta: float
    scale: float
    loc: float
    param: str
    method: str
    alpha_se: float = math.nan
    beta_se: float = math.nan
    scale_se: float = math.nan
    loc_se: float = math.nan
    details: dict = field(default_factory=dict, repr=False, compare=False)

    def distribution(self) -> Stable:
        """The fitted law as a :class:`Stable` (in ``param``)."""
        return Stable(self.alpha, self.beta, self.scale, self.loc, self.param)


def fit_stable(x, method="mcculloch", param="S1", fixed_beta=None) -> FitResult:
    """Fit an alpha-stable law to the sample x (float32/float64, >= 20 finite values).

    method="mcculloch": McCulloch (1986) quantiles, inverted with exact
    quantiles (C++ ``fit_stable_quantiles``); no standard errors (NaN).
    method="mle": maximum likelihood as Nolan's STABLE (C++ ``fit_stable_mle``),
    with standard errors from the observed information (NaN on a boundary
    alpha = 2, |beta| = 1, or for a parameter held fixed by ``fixed_beta``).
    ``loc`` is in ``param`` ("S1" or "S0"); the location's standard error is
    that of the S0 location (the S1 one differs through the alpha/beta covariance).
    """
    if param not in ("S0", "S1"):
        raise ValueError(f'levysgd.fit_stable: param must be "S0" or "S1", got {param!r}')
    r = _levysgd._fit_stable(x, method, fixed_beta)
    se = r.get("se", (math.nan,) * 4)
    loc = r["location_s1"] if param == "S1" else r["location"]
    return FitResult(r["alpha"], r["beta"], r["scale"], loc, param, method,
                     se[0], se[1], se[2], se[3], r)


def tail_index(x, axis=None, k1=None, threads=0, skip_bad=False):
    """Tail index alpha by the Mohammadi estimator (Simsekli et al. 2019 eq. 15;
    C++ ``mohammadi_tail_index``).

    axis=None: one float over the flattened x. axis=0 on a 2-D (samples x
    parameters) gradient matrix: one alpha per column (ndarray; C++
    ``mohammadi_tail_index_columns``, one pass over the rows); axis=1: per
    row. k1: block length (None: the divisor of K nearest sqrt(K)).
    skip_bad: leave out 0/NaN/inf instead of raising ValueError. threads: 0 =
    all cores; the result does not depend on it. +inf when the estimate of
    1/alpha is <= 0.
    """
    return _levysgd._tail_index(x, axis, k1, threads, skip_bad)


def hill(x, k=None, skip_bad=False) -> float:
    """Hill (1975) tail index of |x| from its k largest values (None: floor(sqrt(n)));
    C++ ``hill_tail_index``."""
    return _levysgd._hill(x, k, skip_bad)


@dataclass(frozen=True)
class BootstrapResult:
    """Percentile bootstrap interval (C++ ``bootstrap_interval``)."""
    value: float
    low: float
    high: float
    confidence: float
    resamples: int
    failed: int


def bootstrap_tail_index(x, resamples=200, confidence=0.95, seed=0, estimator="mohammadi",
                         stream=0, k=None) -> BootstrapResult:
    """Percentile bootstrap interval of a tail index (C++ ``bootstrap_ci`` with
    ``mohammadi_tail_index`` or ``hill_tail_index``); resamples drawn from
    Philox stream (seed, stream). k: k1 (Mohammadi) or k (Hill)."""
    r = _levysgd._bootstrap_tail_index(x, resamples, confidence, seed, stream, estimator, k)
    return BootstrapResult(**r)


@dataclass(frozen=True)
class NoiseTails:
    """Tail indices of a noise matrix (C++ ``noise_tail_indices``)."""
    per_parameter: object
    pooled: float
    multivariate: float
    details: dict = field(default_factory=dict, repr=False, compare=False)


def analyse_noise_tails(U, skip_bad=False) -> NoiseTails:
    """Per-parameter (columns), pooled and multivariate (row norms) Mohammadi
    alpha of a noise matrix U (rows = minibatches), C++ ``analyse_noise_tails``."""
    r = _levysgd._analyse_noise_tails(U, skip_bad)
    return NoiseTails(r["per_parameter"], r["pooled"]["alpha"], r["multivariate"]["alpha"], r)


@dataclass(frozen=True)
class HessianComparison:
    """C++ ``hessian_comparison`` (Xie et al. 2021 Fig. 2)."""
    slope: float
    pearson: float
    h_over_b: object
    c_diag: object


def compare_covariance_with_hessian(C, H, batch_size) -> HessianComparison:
    """diag(Q^T C Q) against eig(H)/B in the eigenbasis Q of H (Xie et al. 2021 Fig. 2)."""
    return HessianComparison(**_levysgd._compare_covariance_with_hessian(C, H, batch_size))


@dataclass(frozen=True)
class ExitTime1D:
    """C++ ``exit_time_1d``."""
    mean_time: float
    exit_right_probability: float
    error_estimate: float


def mean_exit_time_1d(drift, diffusion, left, right, x0, intervals=1 << 16,
                      left_boundary="absorbing") -> ExitTime1D:
    """Exact mean exit time of dX = b(X) dt + sqrt(2 D(X)) dW from (left, right),
    started at x0, by quadrature (C++ ``mean_exit_time_1d``). drift and
    diffusion are Python callables of one float. left_boundary: "absorbing" or
    "reflecting"."""
    return ExitTime1D(**_levysgd.mean_exit_time_1d(drift, diffusion, left, right, x0,
                                                   intervals=intervals, left_boundary=left_boundary))


def levy_metastability(*args) -> LevyMetastability:
    """Imkeller & Pavlyukevich 2006 metastability of a 1-D multi-well under
    eps * L^alpha noise, as in Simsekli et al. 2019 Thms 1-2 (C++
    ``levy_metastability``): ``levy_metastability(minima, maxima, alpha, eps)``,
    or ``levy_metastability(well, alpha, eps)`` with a potential that has
    ``critical_points()`` (minima and maxima alternating)."""
    if len(args) == 3 and hasattr(args[0], "critical_points"):
        c = list(args[0].critical_points())
        return LevyMetastability(c[0::2], c[1::2], args[1], args[2])
    return LevyMetastability(*args)


# --- Studies (docs/sde.md; the compiled combinations: docs/python-api.md) ---
def _size(x):
    return 1 if isinstance(x, (int, float)) else len(x)


def quadratic(hessian, minimum, f0=0.0):
    """f(x) = f0 + (x - minimum)' H (x - minimum) / 2: C++ ``quadratic<double, 2>`` (the
    fast path) in 2-D, else ``quadratic<double>`` (any n, the generic path)."""
    two = _size(minimum) == 2 and sum(_size(r) for r in hessian) == 4
    return (Quadratic2D if two else Quadratic)(hessian, minimum, f0)


def box(lo, hi):
    """The open box prod (lo_i, hi_i): ``Box2D`` (fast path) in 2-D, else ``Box`` (any n)."""
    return (Box2D if _size(lo) == 2 else Box)(lo, hi)


def ball(centre, r):
    """The open ball |x - centre| < r: ``Ball2D`` (fast path) in 2-D, else ``Ball`` (any n)."""
    return (Ball2D if _size(centre) == 2 else Ball)(centre, r)


def stable_noise(n_or_alphas, alpha_or_scales, scale=None, scheduler=None):
    """Symmetric alpha-stable noise (C++ ``stable_noise``): ``stable_noise(n, alpha, scale)``,
    or per coordinate ``stable_noise(alphas, scales)``; coordinate l is scaled by
    s_t^((alpha_l - 1)/alpha_l) of ``scheduler`` (Battash & Lindenbaum 2023 eq. 3).
    ``scheduler``: None (s_t = 1) or :func:`constant_scheduler` give ``StableNoise`` (the
    fast path); :func:`exponential_scheduler` or :func:`multistep_scheduler` a
    ``ScheduledNoise`` (the generic path). A Python callable is refused (TypeError)."""
    if scheduler is None:
        if scale is None:
            return StableNoise(n_or_alphas, alpha_or_scales)
        return StableNoise(int(n_or_alphas), alpha_or_scales, scale)
    if scale is not None:
        n_or_alphas = int(n_or_alphas)
    return _sde._stable_noise(n_or_alphas, alpha_or_scales, scale, scheduler)


class Estimate(tuple):
    """(value, low, high): C++ ``estimate``."""
    __slots__ = ()

    def __new__(cls, t):
        return tuple.__new__(cls, t)

    value = property(lambda self: self[0])
    low = property(lambda self: self[1])
    high = property(lambda self: self[2])

    def __repr__(self):
        return f"Estimate(value={self[0]!r}, low={self[1]!r}, high={self[2]!r})"


@dataclass(frozen=True)
class EscapeResult:
    """C++ ``escape_result``: counts, ``mean_exit_time`` and ``escape_rate`` as
    :class:`Estimate`, ``restricted_mean``, ``exit_time_sd``, ``channels`` (list of
    (coordinate, side, count, Estimate)) and, with keep_paths, the path records as
    arrays: ``status`` (0 exited, 1 censored, 2 non-finite), ``time``, ``steps``,
    ``coordinate``, ``side``, ``point`` (paths x dim)."""
    paths: int
    exited: int
    censored: int
    non_finite: int
    time_step: float
    horizon: float
    mean_exit_time: Estimate
    exit_time_sd: float
    restricted_mean: float
    escape_rate: Estimate
    channels: list
    axes: list = field(repr=False)
    status: object = field(repr=False)
    time: object = field(repr=False)
    steps: object = field(repr=False)
    coordinate: object = field(repr=False)
    side: object = field(repr=False)
    point: object = field(repr=False)

    @property
    def exit_times(self):
        """Exit times of the exited paths (keep_paths=True), in path order."""
        return self.time[self.status == 0]

    def channel_probability(self, coordinate, side):
        """Probability of leaving through (coordinate, side); 0 if never seen, NaN with no exit."""
        for c, s, _, p in self.channels:
            if c == coordinate and s == side:
                return p.value
        return math.nan if self.exited == 0 else 0.0

    def axis(self, coordinate) -> Estimate:
        """Probability of leaving through coordinate (either side), Wilson interval."""
        return self.axes[coordinate]

    def axis_probability(self, coordinate):
        return self.axes[coordinate].value


def escape_study(potential, noise, integrator, domain, x0, paths=1000, horizon=None, seed=0,
                 first_stream=0, threads=0, progress=None, keep_paths=True,
                 confidence=0.95) -> EscapeResult:
    """Exit of dX = -grad f(X) dt + dN from a domain over many paths (C++
    ``escape_study``; path i uses Philox stream first_stream + i of seed, the
    result does not depend on threads). horizon (required): censoring time.
    progress: None/"auto" (a bar on a terminal's stderr), True, False."""
    if horizon is None:
        raise ValueError("levysgd.escape_study: horizon is required (the censoring time, > 0)")
    r = _sde._escape_study(potential, noise, integrator, domain, x0, paths, horizon, seed,
                           first_stream, threads, progress, keep_paths, confidence)
    r["mean_exit_time"] = Estimate(r["mean_exit_time"])
    r["escape_rate"] = Estimate(r["escape_rate"])
    r["channels"] = [(c, s, n, Estimate(p)) for c, s, n, p in r["channels"]]
    r["axes"] = [Estimate(a) for a in r["axes"]]
    return EscapeResult(**r)


@dataclass(frozen=True)
class TransitionResult:
    """C++ ``transition_result``: ``counts`` (i -> j), ``occupation``, and the derived
    ``occupation_fraction``, ``rates``, ``jump_probabilities``, ``mean_residence_time``."""
    basins: int
    paths: int
    non_finite: int
    time_step: float
    unlabelled_time: float
    counts: object
    occupation: object
    occupation_fraction: object
    rates: object
    jump_probabilities: object
    mean_residence_time: list


@dataclass(frozen=True)
class TerminalStates:
    """C++ ``terminal_states``: ``states`` (d x paths; column i = path i at time
    steps * time_step, inf/NaN if it became non-finite), ``non_finite``, ``steps``,
    ``time_step``."""
    states: object = field(repr=False)
    non_finite: int
    steps: int
    time_step: float


def simulate_paths(potential, noise, integrator, x0, paths=1000, horizon=None, seed=0,
                   first_stream=0, threads=0, progress=None) -> TerminalStates:
    """The states of ``paths`` paths after time ``horizon`` (C++ ``simulate_paths``;
    path i uses Philox stream first_stream + i of seed). Generic path, any built-in pieces."""
    if horizon is None:
        raise ValueError("levysgd.simulate_paths: horizon is required (> 0)")
    return TerminalStates(**_sde._simulate_paths(potential, noise, integrator, x0, paths, horizon,
                                                 seed, first_stream, threads, progress))


def transition_study(potential, noise, integrator, classifier, x0, paths=1000, horizon=None,
                     seed=0, first_stream=0, threads=0, progress=None) -> TransitionResult:
    """Transitions between basins (C++ ``transition_study``) of a 1-D potential."""
    if horizon is None:
        raise ValueError("levysgd.transition_study: horizon is required (> 0)")
    r = _sde._transition_study(potential, noise, integrator, classifier, x0, paths, horizon, seed,
                               first_stream, threads, progress)
    r["occupation"] = r["occupation"].ravel()
    r["occupation_fraction"] = r["occupation_fraction"].ravel()
    return TransitionResult(**r)
