"""levysgd's SDE studies, bound with nanobind (use the levysgd package)"""

from typing import Any


class PolynomialWell:
    """
    1-D polynomial multi-well f with f' = a prod(x - m_i) prod(x - M_j): minima m, maxima M (C++ polynomial_well; docs/sde.md).
    """

    def __init__(self, minima: Any, maxima: Any, a: float = 1.0) -> None: ...

    def value(self, x: float) -> float: ...

    def derivative(self, x: float) -> float: ...

    def second_derivative(self, x: float) -> float: ...

    def barrier(self, i: int, side: int) -> float: ...

    def critical_points(self) -> list[float]: ...

def double_well(left: float, saddle: float, right: float, a: float = 1.0) -> PolynomialWell: ...

class Quadratic2D:
    """f(x) = f0 + (x - m)' H (x - m) / 2 in 2-D (C++ quadratic<double, 2>)."""

    def __init__(self, hessian: Any, minimum: Any, f0: float = 0.0) -> None: ...

class Quadratic:
    """
    f(x) = f0 + (x - m)' H (x - m) / 2 in n dimensions (C++ quadratic<double>; generic path).
    """

    def __init__(self, hessian: Any, minimum: Any, f0: float = 0.0) -> None: ...

    def dimension(self) -> int: ...

class Ackley:
    """
    2-D Ackley function, (a, b, c) = (20, 0.2, 2 pi) by default (C++ ackley; no Hessian).
    """

    def __init__(self, a: float = 20.0, b: float = 0.2, c: float = 6.283185307179586) -> None: ...

    def value(self, x: Any) -> float: ...

class StyblinskiTang:
    """
    n-D Styblinski-Tang function with sharpness k (C++ styblinski_tang<double>).
    """

    def __init__(self, n: int, k: float = 1.0) -> None: ...

    def dimension(self) -> int: ...

class ConstantScheduler:
    """
    s_t = value for all t (C++ constant_scheduler; value 1: no scheduling).
    """

    def __init__(self, value: float = 1.0) -> None: ...

    @property
    def value(self) -> float: ...

    def __call__(self, t: float) -> float: ...

class ExponentialScheduler:
    """
    s_t = max(t, t_min)^(gamma - 1), gamma in (0, 1] (Battash & Lindenbaum 2023 Sec. 1; C++ exponential_scheduler).
    """

    def __init__(self, gamma: float, t_min: float = 1.0) -> None: ...

    @property
    def gamma(self) -> float: ...

    @property
    def t_min(self) -> float: ...

    def __call__(self, t: float) -> float: ...

class MultistepScheduler:
    """
    s_t = 1 for t <= T_1, factors[p] on (T_p, T_{p+1}] (Battash & Lindenbaum 2023 Sec. 1; C++ multistep_scheduler).
    """

    def __init__(self, boundaries: Any, factors: Any) -> None: ...

    @property
    def boundaries(self) -> list[float]: ...

    @property
    def factors(self) -> list[float]: ...

    def __call__(self, t: float) -> float: ...

Scheduler = ConstantScheduler | ExponentialScheduler | MultistepScheduler

class GaussianNoise:
    """
    Brownian noise: isotropic(n, sigma) is sigma dW, from_diffusion(n, D) is sqrt(2D) dW (Kramers' convention, Xie et al. 2021), with_covariance(S) has increments N(0, S dt); scheduled by s_t, increments N(0, s_t S dt) (Battash & Lindenbaum 2023 eq. 3). With an exponential or multi-step scheduler the constructors return a ScheduledNoise (C++ gaussian_noise<double, Sched>).
    """

    @staticmethod
    def with_covariance(covariance: Any, scheduler: Scheduler | None = None) -> GaussianNoise | ScheduledNoise: ...

    @staticmethod
    def isotropic(n: int, sigma: float, scheduler: Scheduler | None = None) -> GaussianNoise | ScheduledNoise: ...

    @staticmethod
    def from_diffusion(n: int, D: float, scheduler: Scheduler | None = None) -> GaussianNoise | ScheduledNoise: ...

class StableNoise:
    """
    dN_l = eps_l dL^(alpha_l), L_1 ~ S(alpha, 0, 1): StableNoise(n, alpha, scale) or per coordinate StableNoise(alphas, scales) (Battash & Lindenbaum 2023 eq. 3; C++ stable_noise).
    """

    def __init__(self, n: Any, alpha: Any, scale: Any | None = None) -> None: ...

def _stable_noise(n_or_alphas: Any, alpha_or_scales: Any, scale: Any | None = None, scheduler: Scheduler | None = None) -> StableNoise | ScheduledNoise: ...

class ScheduledNoise:
    """
    Gaussian or stable noise with an exponential or multi-step scheduler s_t (Battash & Lindenbaum 2023 eq. 3; C++ gaussian_noise<double, Sched>, stable_noise<double, Sched>; generic path). Made by gaussian_noise.isotropic/from_diffusion/with_covariance and stable_noise with scheduler=.
    """

    def dimension(self) -> int: ...

class HessianNoise:
    """
    Gaussian noise with covariance c H_+(x) (part="positive") or c |H(x)| ("absolute") of a potential with a Hessian, times s_t of scheduler= (any built-in scheduler; C++ hessian_noise<P, Sched>; generic path).
    """

    def __init__(self, potential: Any, c: float, part: str = 'positive', scheduler: Scheduler | None = None) -> None: ...

class MixtureNoise:
    """
    The sum of two independent noise models, each Gaussian, stable or Hessian with any scheduler; not a mixture (C++ mixture_noise<N1, N2>; generic path).
    """

    def __init__(self, first: GaussianNoise | StableNoise | ScheduledNoise | HessianNoise, second: GaussianNoise | StableNoise | ScheduledNoise | HessianNoise) -> None: ...

class ImplicitEuler:
    """
    Drift-implicit Euler (Newton on the Hessian; C++ implicit_euler; generic path).
    """

    def __init__(self, dt: float) -> None: ...

    @property
    def dt(self) -> float: ...

class Euler:
    """Euler(-Maruyama) step of length dt (C++ euler)."""

    def __init__(self, dt: float) -> None: ...

    @property
    def dt(self) -> float: ...

class TamedEuler:
    """
    Euler with the drift step bounded, for steep walls under heavy-tailed noise (C++ tamed_euler).
    """

    def __init__(self, dt: float) -> None: ...

    @property
    def dt(self) -> float: ...

class SGDRecursion:
    """
    x <- x - eta grad f + the noise model's unit-time increment as gradient noise (Simsekli et al. 2019 eq. 8; C++ sgd_recursion).
    """

    def __init__(self, eta: float) -> None: ...

    @property
    def eta(self) -> float: ...

class Interval:
    """The open interval (lo, hi) of a 1-D state (C++ interval)."""

    def __init__(self, lo: float, hi: float) -> None: ...

    @property
    def lo(self) -> float: ...

    @property
    def hi(self) -> float: ...

class Box2D:
    """The open box (lo_1, hi_1) x (lo_2, hi_2) (C++ box<double, 2>)."""

    def __init__(self, lo: Any, hi: Any) -> None: ...

class Ball2D:
    """The open disc |x - centre| < r (C++ ball<double, 2>)."""

    def __init__(self, centre: Any, r: float) -> None: ...

class Box:
    """
    The open box prod (lo_i, hi_i) in n dimensions (C++ box<double>; generic path).
    """

    def __init__(self, lo: Any, hi: Any) -> None: ...

class Ball:
    """
    The open ball |x - centre| < r in n dimensions (C++ ball<double>; generic path).
    """

    def __init__(self, centre: Any, r: float) -> None: ...

class LossThreshold:
    """
    {w : f(w) < f(w*) + delta}, within radius of w* (C++ loss_threshold; generic path).
    """

    def __init__(self, potential: Any, w_star: Any, delta: float, radius: float = float('inf')) -> None: ...

class IntervalBasins:
    """Basin i = (lo[i], hi[i]) for transition_study (C++ interval_basins)."""

    def __init__(self, lo: Any, hi: Any) -> None: ...

def _escape_study(potential: Any, noise: Any, integrator: Any, domain: Any, x0: Any, paths: int, horizon: float, seed: int, first_stream: int, threads: int, progress: Any | None, keep_paths: bool, confidence: float) -> dict: ...

def _transition_study(potential: Any, noise: Any, integrator: Any, classifier: Any, x0: Any, paths: int, horizon: float, seed: int, first_stream: int, threads: int, progress: Any | None) -> dict: ...

def _simulate_paths(potential: Any, noise: Any, integrator: Any, x0: Any, paths: int, horizon: float, seed: int, first_stream: int, threads: int, progress: Any | None) -> dict: ...
