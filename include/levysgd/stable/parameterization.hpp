#pragma once
// The two parameterizations of the alpha-stable law that levysgd supports.

namespace levysgd {

/// How (alpha, beta, scale, location) are read.
///
/// S1: Samorodnitsky & Taqqu (scipy.stats.levy_stable's default); the
///     characteristic function of S(alpha, beta, 1, 0; 1) is
///     exp(-|t|^a (1 - i beta sign(t) tan(pi a / 2)))          (a != 1)
///     exp(-|t|   (1 + i beta sign(t) (2/pi) log|t|))           (a == 1).
/// S0: Nolan's parameterization, continuous in all parameters:
///     exp(-|t|^a (1 + i beta sign(t) tan(pi a / 2) (|t|^(1-a) - 1)))   (a != 1)
///     and the same a == 1 form as S1. For scale g and location d,
///     S0 location d0 = d1 + beta g tan(pi a / 2)   (a != 1)
///                  d0 = d1 + beta (2/pi) g log g   (a == 1).
enum class parameterization { S0, S1 };

} // namespace levysgd
