#pragma once
// One bracketing root finder: keeps [a, b] with f of opposite signs at the
// ends and shrinks it at every evaluation. The next point comes from a step
// hook, by default the Illinois modified false position (Dowell & Jarratt
// 1971: the retained end's value is halved when the same end is kept
// twice); a step outside the open bracket is replaced by its midpoint.
// Callers supply other steps (safeguarded Newton from a derivative) or a
// transformed argument (a root in log x) through the hook and f.
//
// Host/device code: no Eigen, xsimd, iostreams, exceptions or allocation.

#include <cmath>
#include <limits>

#include "../config.hpp"

namespace levysgd::core {

/// Stopping rules of bracket_root. Converged when |f(x)| <= ftol, or when
/// |b - a| <= xtol_abs + xtol_rel max(|a|, |b|), or (step_rtol >= 0) when a
/// proposed step moves x by at most step_rtol |x|.
struct root_options {
    int max_iter = 100; // evaluations of f
    double xtol_abs = 0, xtol_rel = 0;
    double ftol = 0;
    double step_rtol = -1; // < 0: no step test
};

/// What ended the search.
enum class root_stop { f_tol, x_tol, step_tol, max_iter };

/// The state a step hook sees after each evaluation: the bracket (fa, fb
/// the working values, halved by the Illinois rule) and the last point x
/// with f(x) = fx (x = NaN before the first evaluation); iter counts the
/// evaluations made before x (-1 before the first).
struct root_state {
    double a, b, fa, fb, x, fx;
    int iter;
};

/// Result: x is the last evaluated point (f_tol, x_tol), the accepted
/// unevaluated step (step_tol, max_iter), or NaN if the bracket was already
/// below tolerance; a, b and fa0, fb0 the final bracket and its true values
/// (fa, fb: the Illinois working values).
struct root_result {
    double x = 0, fx = 0;
    double a = 0, b = 0, fa = 0, fb = 0, fa0 = 0, fb0 = 0;
    root_stop stop = root_stop::max_iter;
    int evaluations = 0;
};

/// The Illinois step: false position through the working end values.
struct illinois_step {
    LEVYSGD_HOST_DEVICE double operator()(const root_state &s) const noexcept {
        return (s.a * s.fb - s.b * s.fa) / (s.fb - s.fa);
    }
};

/// Root of f in the bracket [a, b] (either order), fa = f(a) and fb = f(b)
/// of opposite signs (fb != 0; only their signs matter to steps other than
/// Illinois). x0: the first point (NaN: from the step hook).
template <class F, class Step = illinois_step>
LEVYSGD_HOST_DEVICE root_result bracket_root(F &&f, double a, double b, double fa, double fb,
                                             const root_options &o, Step &&step = {},
                                             double x0 = std::numeric_limits<double>::quiet_NaN()) {
    root_result r;
    r.a = a;
    r.b = b;
    r.fa = r.fa0 = fa;
    r.fb = r.fb0 = fb;
    auto small = [&] {
        const double aa = std::fabs(r.a), ab = std::fabs(r.b);
        return std::fabs(r.b - r.a) <= o.xtol_abs + o.xtol_rel * (aa > ab ? aa : ab);
    };
    auto next = [&](double x, double fx, int it) {
        double c = step(root_state{r.a, r.b, r.fa, r.fb, x, fx, it});
        const double lo = r.a < r.b ? r.a : r.b, hi = r.a < r.b ? r.b : r.a;
        if (!(c > lo && c < hi))
            c = 0.5 * (r.a + r.b);
        return c;
    };
    double x = x0;
    if (std::isnan(x)) {
        if (small()) {
            r.x = x;
            r.fx = x;
            r.stop = root_stop::x_tol;
            return r;
        }
        x = next(x, x, -1);
    }
    // the sign of f on the b side, fixed: the halved working values may underflow to 0
    const bool b_positive = fb > 0;
    int side = 0;
    for (int it = 0; it < o.max_iter; ++it) {
        const double fx = f(x);
        ++r.evaluations;
        r.x = x;
        r.fx = fx;
        if (std::fabs(fx) <= o.ftol) {
            r.stop = root_stop::f_tol;
            return r;
        }
        if ((fx > 0) == b_positive) {
            r.b = x;
            r.fb = r.fb0 = fx;
            if (side == -1)
                r.fa *= 0.5;
            side = -1;
        } else {
            r.a = x;
            r.fa = r.fa0 = fx;
            if (side == 1)
                r.fb *= 0.5;
            side = 1;
        }
        if (small()) {
            r.stop = root_stop::x_tol;
            return r;
        }
        const double c = next(x, fx, it);
        if (o.step_rtol >= 0 && std::fabs(c - x) <= o.step_rtol * std::fabs(x)) {
            r.x = c;
            r.stop = root_stop::step_tol;
            return r;
        }
        x = c;
    }
    r.x = x;
    r.stop = root_stop::max_iter;
    return r;
}

} // namespace levysgd::core
