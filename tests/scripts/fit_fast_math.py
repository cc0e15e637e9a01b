#!/usr/bin/env python3
"""Near-minimax polynomial coefficients for include/levysgd/detail/fast_math.hpp.

Chebyshev interpolation (mpmath.chebyfit) at 50 digits of
  log:   2 atanh(sqrt(t))/sqrt(t),  t = s^2 in [0, ((sqrt2-1)/(sqrt2+1))^2]
  sin:   sin(sqrt(t))/sqrt(t),      t = x^2 in [0, (pi/2)^2]
  cos:   cos(sqrt(t)),              t = x^2 in [0, (pi/2)^2]
  expm1: expm1(r)/r,                r in [-ln2/2, ln2/2]
for the smallest degree whose interpolation error is below the target
(2^-56 for double, 2^-27 for float), printed lowest degree first as
C++ initialisers. Run: python3 tests/scripts/fit_fast_math.py
"""
import mpmath as mp

mp.mp.dps = 50


def fit(f, a, b, target, absolute):
    for n in range(2, 30):
        coeffs, err = mp.chebyfit(f, [a, b], n, error=True)
        # relative to the function's smallest magnitude on the interval,
        # or absolute (cos, which callers use absolutely near pi/2)
        scale = 1 if absolute else min(abs(f(a)), abs(f(b)), abs(f((a + b) / 2)))
        if err / scale < target:
            return list(reversed(coeffs)), err
    raise RuntimeError("no fit")


funcs = {
    "log": (lambda t: 2 * mp.atanh(mp.sqrt(t)) / mp.sqrt(t) if t > 0 else mp.mpf(2), 0,
            ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)) ** 2),
    "sin": (lambda t: mp.sin(mp.sqrt(t)) / mp.sqrt(t) if t > 0 else mp.mpf(1), 0, (mp.pi / 2) ** 2),
    "cos": (lambda t: mp.cos(mp.sqrt(t)), 0, (mp.pi / 2) ** 2),
    "expm1": (lambda r: mp.expm1(r) / r if r != 0 else mp.mpf(1), -mp.log(2) / 2, mp.log(2) / 2),
}

for typ, target, fmt in (("double", mp.mpf(2) ** -56, "{:.17e}"), ("float", mp.mpf(2) ** -27, "{:.9e}f")):
    for name, (f, a, b) in funcs.items():
        c, err = fit(f, a, b, target, absolute=(name == "cos"))
        print(f"// {typ} {name}: degree {len(c) - 1}, max interpolation error {mp.nstr(err, 3)}")
        print("{" + ", ".join(fmt.format(float(x)) for x in c) + "}")
