"""Pictures for the ``levysgd`` command line (``--plot out.png``).

matplotlib is an optional extra (``pip install '.[plot]'`` or Debian's
python3-matplotlib); without it, :func:`require_matplotlib` raises
:class:`PlotUnavailable` with a message that says so. Every density and law
drawn here comes from the levysgd package itself.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed."""


def require_matplotlib() -> Any:
    """matplotlib.pyplot on the non-interactive Agg backend, or PlotUnavailable."""
    try:
        import matplotlib  # type: ignore[import-untyped]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-untyped]
    except ImportError:
        raise PlotUnavailable(
            "--plot needs matplotlib, which is not installed: "
            "pip install matplotlib (or levysgd's extra: pip install '.[plot]'; "
            "on Debian: apt-get install python3-matplotlib)") from None
    return plt


def _save(fig: Any, out: str) -> None:
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)


def density_figure(x: np.ndarray, law: Any, gaussian: Any, out: str, title: str,
                   law_label: str) -> None:
    """Histogram of x against the SαS law ``law`` and the Gaussian ``gaussian``
    (both levysgd ``Stable`` objects; the Gaussian as S(2, 0, σ/√2)).
    Left: the density on a log scale over the central 99 % of x. Right: the
    density of |x| on log–log axes, log-spaced bins, where a power tail is a
    straight line and the Gaussian falls off a cliff."""
    plt = require_matplotlib()
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))

    lo, hi = np.quantile(x, [0.005, 0.995])
    if not hi > lo:
        lo, hi = lo - 1, hi + 1
    edges = np.linspace(lo, hi, 81)
    counts, _ = np.histogram(x, edges)
    width = np.diff(edges)
    centres = edges[:-1] + width / 2
    dens = counts / (x.size * width)
    keep = counts > 0
    a.semilogy(centres[keep], dens[keep], "o", ms=3, color="0.3", label=f"data ({x.size})")
    grid = np.linspace(lo, hi, 400)
    a.semilogy(grid, law.pdf(grid), "-", color="C0", label=law_label)
    a.semilogy(grid, gaussian.pdf(grid), "--", color="C3", label="Gaussian (same mean, sd)")
    a.set_xlabel("x")
    a.set_ylabel("density")
    a.set_title("density (central 99 %)")
    a.legend(fontsize=8)

    ax = np.abs(x - float(law.median()))
    ax = ax[ax > 0]
    if ax.size >= 2:
        e = np.geomspace(max(ax.min(), np.quantile(ax, 1e-3)), ax.max() * 1.0001, 41)
        c, _ = np.histogram(ax, e)
        w = np.diff(e)
        m = np.sqrt(e[:-1] * e[1:])
        d = c / (x.size * w)
        k = c > 0
        b.loglog(m[k], d[k], "o", ms=3, color="0.3", label="data, |x − median|")
        g = np.geomspace(e[0], e[-1], 400)
        med = float(law.median())
        b.loglog(g, law.pdf(med + g) + law.pdf(med - g), "-", color="C0", label=law_label)
        gm = float(gaussian.median())
        with np.errstate(under="ignore"):
            gd = gaussian.pdf(gm + g) + gaussian.pdf(gm - g)
        gd = np.where(gd > 0, gd, np.nan)
        b.loglog(g, gd, "--", color="C3", label="Gaussian")
        b.set_ylim(max(d[k].min() / 10, 1e-300), d[k].max() * 10)
    b.set_xlabel("|x − median|")
    b.set_ylabel("density")
    b.set_title("tail (log–log)")
    b.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    _save(fig, out)


def tail_figure(columns: Sequence[np.ndarray], names: Sequence[str], alphas: Sequence[float],
                out: str, max_columns: int = 6) -> None:
    """log–log empirical tail P(|X| > x) of each column (at most max_columns),
    with a line of slope −α̂ through the point where the tail is 5 %."""
    plt = require_matplotlib()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for i, (x, name, alpha) in enumerate(list(zip(columns, names, alphas))[:max_columns]):
        a = np.sort(np.abs(np.asarray(x, dtype=np.float64)))
        a = a[a > 0]
        if a.size < 2:
            continue
        surv = 1.0 - np.arange(a.size) / a.size
        # at most 2000 points on the curve, denser in the tail
        idx = np.unique(np.geomspace(1, a.size, 2000).astype(int)) - 1
        idx = a.size - 1 - idx[::-1]
        colour = f"C{i % 10}"
        ax.loglog(a[idx], surv[idx], ".", ms=2, color=colour, label=f"{name}: α̂ = {alpha:.3g}")
        if np.isfinite(alpha) and alpha > 0:
            x5 = np.quantile(a, 0.95)
            g = np.geomspace(x5, a[-1], 50)
            ax.loglog(g, 0.05 * (g / x5) ** (-alpha), "-", color=colour, lw=1)
    if len(columns) > max_columns:
        ax.set_title(f"first {max_columns} of {len(columns)} columns", fontsize=9)
    ax.set_xlabel("|x|")
    ax.set_ylabel("P(|X| > x)")
    ax.legend(fontsize=8, title="lines: slope −α̂", title_fontsize=8)
    _save(fig, out)


def escape_figure(rows: Sequence[dict], theory_eps: np.ndarray, theory: np.ndarray | None,
                  theory_label: str, out: str, title: str) -> None:
    """Mean exit time against ε on log–log axes with its interval, and the
    theory line (Kramers or Imkeller–Pavlyukevich) on a fine ε grid."""
    plt = require_matplotlib()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    eps = np.array([r["eps"] for r in rows])
    mean = np.array([r["mean_exit_time"] for r in rows], dtype=float)
    low = np.array([r["mean_exit_time_low"] for r in rows], dtype=float)
    high = np.array([r["mean_exit_time_high"] for r in rows], dtype=float)
    ok = np.isfinite(mean) & (mean > 0)
    err = np.vstack([mean - low, high - mean])[:, ok]
    ax.errorbar(eps[ok], mean[ok], yerr=np.clip(err, 0, None), fmt="o", color="C0", capsize=3,
                label="simulated mean exit time")
    if theory is not None:
        t = np.asarray(theory, dtype=float)
        k = np.isfinite(t)
        ax.plot(theory_eps[k], t[k], "-", color="C3", label=theory_label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ε (noise scale)")
    ax.set_ylabel("mean exit time")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    _save(fig, out)
