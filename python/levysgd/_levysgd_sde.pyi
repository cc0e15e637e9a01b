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

class GaussianNoise:
    """
    Brownian noise: isotropic(n, sigma) is sigma dW, from_diffusion(n, D) is sqrt(2D) dW (Kramers' convention, Xie et al. 2021; C++ gaussian_noise).
    """

    @staticmethod
    def isotropic(n: int, sigma: float) -> GaussianNoise: ...

    @staticmethod
    def from_diffusion(n: int, D: float) -> GaussianNoise: ...

class StableNoise:
    """
    dN_l = eps_l dL^(alpha_l), L_1 ~ S(alpha, 0, 1): StableNoise(n, alpha, scale) or per coordinate StableNoise(alphas, scales) (Battash & Lindenbaum 2023 eq. 3; C++ stable_noise).
    """

    def __init__(self, n: Any, alpha: Any, scale: Any | None = None) -> None: ...

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

class IntervalBasins:
    """Basin i = (lo[i], hi[i]) for transition_study (C++ interval_basins)."""

    def __init__(self, lo: Any, hi: Any) -> None: ...
