"""levysgd's C++ library, bound with nanobind (use the levysgd package)"""

from collections.abc import Callable, Sequence

import numpy
from numpy.typing import ArrayLike, NDArray
from typing import Any


class Stable:
    def __init__(self, alpha: float, beta: float, scale: float = 1.0, loc: float = 0.0, param: str = 'S1') -> None: ...

    @property
    def alpha(self) -> float: ...

    @property
    def beta(self) -> float: ...

    @property
    def scale(self) -> float: ...

    @property
    def loc(self) -> float: ...

    @property
    def param(self) -> str: ...

    def pdf(self, x: Any, out: Any = None, threads: int = 0) -> Any:
        """
        Density (Nolan 1997 integral by adaptive Gauss-Kronrod; C++ levysgd::pdf). x: a float (returns a float) or a float32/float64 C-contiguous array (returns an array of its dtype and shape, or writes into out, which is returned). threads: 0 = all cores; the values do not depend on it.
        """

    def logpdf(self, x: Any, out: Any = None, threads: int = 0) -> Any:
        """
        Log-density, finite where the density underflows (C++ levysgd::logpdf). Arrays, out and threads as pdf.
        """

    def cdf(self, x: Any, out: Any = None, threads: int = 0) -> Any:
        """
        Distribution function, a sum of positive terms accurate in both tails (C++ levysgd::cdf). Arrays, out and threads as pdf.
        """

    def sf(self, x: Any, out: Any = None, threads: int = 0) -> Any:
        """
        Survival function 1 - cdf computed directly (C++ levysgd::ccdf). Arrays, out and threads as pdf.
        """

    def ppf(self, q: Any, out: Any = None, threads: int = 0) -> Any:
        """
        Quantile: x with cdf(x) = q, q in [0, 1] (C++ levysgd::quantile); q = 0, 1 give the support ends. ValueError names the first q outside [0, 1] before anything is written.
        """

    def isf(self, q: Any, out: Any = None, threads: int = 0) -> Any:
        """
        Upper quantile: x with sf(x) = q, accurate for tiny q (C++ levysgd::quantile_complement).
        """

    def rvs(self, size: int | tuple[int, ...] | None = None, seed: int = 0, stream: int = 0, first_index: int = 0, dtype: Any = None, out: Any = None, threads: int = 0) -> Any:
        """
        Draws by Chambers-Mallows-Stuck (Chambers et al. 1976, Weron 1996) from Philox stream (seed, stream): element k (C order) is sample first_index + k of the stream, for any threads (C++ levysgd::sample). size: int or tuple, or None for one float (or out's shape); dtype: float64 (default, or out's) or float32.
        """

    def support(self) -> tuple[float, float]:
        """
        (lower, upper) ends of the support: finite on one side for alpha < 1, |beta| = 1.
        """

    def median(self) -> float:
        """The median (the location when beta = 0; C++ levysgd::median)."""

    @property
    def location_s0(self) -> float: ...

def sample_coordinates(alphas: Any, scales: Any, n: int, *, beta: float = 0.0, param: str = 'S1', seed: int = 0, stream: int = 0, first_index: int = 0, dtype: Any = None, out: Any = None, threads: int = 0) -> Any:
    """
    An (n, len(alphas)) array: column i ~ S(alphas[i], beta, scales[i], 0) (Battash & Lindenbaum 2023 eq. 3; C++ levysgd::sample_coordinates); element k in C order is sample first_index + k of (seed, stream). scales: one value or len(alphas).
    """

def gradient_noise(G: Any, full_grad: Any | None = None) -> Any:
    """
    Noise U = G - 1 g' of minibatch gradients G (rows) and the full gradient g, or the mean row when g is None (Simsekli et al. 2019 Sec. 4; C++ levysgd::gradient_noise). A new array of G's dtype.
    """

def noise_covariance(per_sample_grads: Any, batch_size: float) -> Any:
    """
    Battash & Lindenbaum 2023 eq. (2): (1/B)[(1/D) sum_j g_j g_j' - g g'] without cancellation (C++ levysgd::noise_covariance).
    """

def kramers_escape_time(h_a: Any, h_b: Any, barrier: float, D: float) -> float:
    """
    Kramers time 2 pi sqrt(|det H_b| / det H_a) / |H_be| exp(barrier / D) (Xie et al. 2021 Thm 3.1, Kramers 1940); h_a, h_b numbers (1-D) or square arrays. C++ levysgd::kramers_escape_time.
    """

def sgd_escape_time(h_a: Any, h_b: Any, barrier: float, eta: float, batch: float, s: float) -> float:
    """
    SGD escape time for Hessian-shaped noise (Xie et al. 2021 Thm 3.2), in t = eta x iterations.
    """

def total_escape_rate(rates: Any) -> float:
    """Parallel escape paths add rates (Xie et al. 2021 Rule 1)."""

def minima_selection(escape_times: Any) -> Any:
    """P(valley a) = tau_a / sum tau_v (Xie et al. 2021 Prop. 1)."""

def mean_exit_time_1d(drift: Callable, diffusion: Callable, left: float, right: float, x0: float, *, intervals: int = 65536, left_boundary: str = 'absorbing') -> dict: ...

def gibbs_log_weight(h_a: Any, loss_a: float, eta: float, batch: float, sigma2: float) -> float: ...

def gibbs_probability_ratio(h_a: Any, loss_a: float, h_b: Any, loss_b: float, eta: float, batch: float, sigma2: float) -> float: ...

def gibbs_noise_threshold(h_a: Any, loss_a: float, h_b: Any, loss_b: float, sigma2: float) -> tuple[str, float]: ...

def stable_levy_constant(alpha: float) -> float:
    """
    c_alpha = Gamma(1 + alpha) sin(pi alpha / 2) / pi, the Levy-measure constant of S(alpha, 0, 1).
    """

def levy_jump_rate(alpha: float, eps: float, r: float) -> float:
    """
    Rate of jumps of eps L^alpha beyond r on one side: c_alpha eps^alpha r^-alpha / alpha.
    """

class LevyMetastability:
    """
    Imkeller & Pavlyukevich 2006 metastability of a 1-D multi-well under eps L^alpha noise, as in Simsekli et al. 2019 Thms 1-2; rates include c_alpha eps^alpha (C++ levy_metastability).
    """

    def __init__(self, minima: Any, maxima: Any, alpha: float, eps: float) -> None: ...

    def generator(self) -> Any: ...

    def unit_generator(self) -> Any: ...

    def exit_rate(self, i: int) -> float: ...

    def mean_exit_time(self, i: int) -> float: ...

    def transition_probability(self, i: int, j: int) -> float: ...

    def stationary(self) -> Any: ...

    @property
    def wells(self) -> int: ...

    @property
    def alpha(self) -> float: ...

    @property
    def eps(self) -> float: ...

class LevyExitModel:
    """
    Battash & Lindenbaum 2023 per-coordinate first-jump exit model: axes (alpha, eps, d_minus, d_plus), scheduler value s (C++ levy_exit_model; Cor. 4.2 and 4.4 corrected, docs/theory.md).
    """

    def __init__(self, axes: Any, s: float = 1.0) -> None: ...

    def jump_intensity(self, l: int, rho: float) -> float: ...

    def first_jump_escape_probability(self, l: int, rho: float) -> float: ...

    def exit_rate(self, l: int, side: int) -> float: ...

    def total_exit_rate(self) -> float: ...

    def mean_transition_time(self) -> float: ...

    def exit_probability(self, l: int, side: int) -> float: ...

    def axis_probability(self, l: int) -> float: ...

    def direction_ratio(self, l: int, j: int) -> float: ...

    @property
    def axes(self) -> int: ...

class SGD_f64:
    def __init__(self, n: int, batch: int, eta: float, seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class NoiseEnhancedSGD_f64:
    def __init__(self, n: int, batch: int, eta: float, a: float, seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def effective_batch(self) -> float: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class SGLD_f64:
    def __init__(self, n: int, batch: int, eta: float, temperature: float, seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class StableNoiseSGD_f64:
    def __init__(self, n: int, batch: int, eta: float, alphas: Sequence[float], scales: Sequence[float], seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class SGD_f32:
    def __init__(self, n: int, batch: int, eta: float, seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class NoiseEnhancedSGD_f32:
    def __init__(self, n: int, batch: int, eta: float, a: float, seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def effective_batch(self) -> float: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class SGLD_f32:
    def __init__(self, n: int, batch: int, eta: float, temperature: float, seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class StableNoiseSGD_f32:
    def __init__(self, n: int, batch: int, eta: float, alphas: Sequence[float], scales: Sequence[float], seed: int = 0, stream: int = 0, sampling: str = 'with_replacement') -> None: ...

    def step(self, w: Any, oracle: Any) -> None: ...

    @property
    def iteration(self) -> int: ...

    @property
    def time(self) -> float: ...

    @property
    def learning_rate(self) -> float: ...

    @property
    def current_learning_rate(self) -> float: ...

    @property
    def batch_size(self) -> int: ...

class MinibatchSampler:
    def __init__(self, n: int, batch: int, sampling: str = 'with_replacement', seed: int = 0, stream: int = 0) -> None: ...

    def next(self) -> NDArray[numpy.uint64]: ...

    @property
    def batches(self) -> int: ...

    @property
    def epoch(self) -> int: ...

def effective_batch_size(batch: float, a: float) -> float: ...
