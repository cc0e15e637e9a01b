"""The ``levysgd`` command line: sample, tail-index, fit, escape, bench.

Every number comes from the levysgd package (``levysgd._levysgd``); this
module only reads files, parses flags, prints JSON or CSV, draws a progress
bar on a terminal's stderr and calls :mod:`levysgd.plot` for ``--plot``.
Bad input ends with ``levysgd COMMAND: error: ...`` on stderr and exit
status 2 (flags, files, settings) or 1 (refused by the library), never a
traceback (set LEVYSGD_TRACEBACK=1 to see one).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import re
import sys
import time
from typing import Any, Callable, NoReturn, Sequence

import numpy as np

from . import study_config


class UsageError(Exception):
    """Bad flags, files or settings: exit status 2."""


# ---------------------------------------------------------------- progress bar

class Progress:
    """A one-line bar on stderr, drawn only when stderr is a terminal (or when
    forced on), at most 10 times a second, and erased when the work ends."""

    def __init__(self, label: str, total: float, enabled: bool | None = None,
                 stream: Any = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.label = label
        self.total = max(float(total), 1.0)
        self.done = 0.0
        self.drawn = False
        self.last = 0.0
        self.start = time.monotonic()

    def update(self, done: float, note: str = "") -> None:
        self.done = done
        if not self.enabled:
            return
        now = time.monotonic()
        if self.drawn and now - self.last < 0.1 and done < self.total:
            return
        self.last = now
        frac = min(max(done / self.total, 0.0), 1.0)
        width = 30
        filled = int(frac * width)
        elapsed = now - self.start
        eta = f" eta {elapsed * (1 - frac) / frac:.0f}s" if 0.02 < frac < 1 else ""
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{100 * frac:5.1f}%{eta} {note}\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _progress_enabled(args: argparse.Namespace) -> bool | None:
    return {"auto": None, "on": True, "off": False}[args.progress]


# ---------------------------------------------------------------- input files

def read_table(path: str, key: str | None = None) -> tuple[list[str], np.ndarray]:
    """Column names and a 2-D float array (rows = samples) from .npy, .npz or CSV."""
    if not os.path.exists(path):
        raise UsageError(f"no such file: {path!r}")
    if os.path.isdir(path):
        raise UsageError(f"{path!r} is a directory, not a data file")
    ext = os.path.splitext(path)[1].lower()
    if ext in (".npy", ".npz"):
        try:
            data = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as e:
            raise UsageError(f"cannot read {path!r} as {ext}: {e}") from None
        if ext == ".npz":
            with data:
                names = list(data.files)
                if key is not None and key not in names:
                    raise UsageError(f"no array {key!r} in {path!r} "
                                     f"(arrays: {', '.join(names)})")
                if key is None and len(names) > 1:
                    # several 1-D arrays of one length are the columns, named by their keys
                    arrays = [data[n] for n in names]
                    if not all(a.ndim == 1 and a.shape == arrays[0].shape for a in arrays):
                        raise UsageError(f"{path!r} holds {len(names)} arrays "
                                         f"({', '.join(names)}) that are not 1-D columns "
                                         "of one length: choose one with --key")
                    cols = _check_numbers(path, np.column_stack(arrays))
                    return names, cols
                if not names:
                    raise UsageError(f"{path!r} holds no arrays")
                arr = data[key if key is not None else names[0]]
        else:
            if key is not None:
                raise UsageError("--key applies to .npz files only")
            arr = data
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise UsageError(f"{path!r}: array has shape {arr.shape}; "
                             "expected 1-D (one sample) or 2-D (samples x columns)")
        return [str(i) for i in range(arr.shape[1])], _check_numbers(path, arr)
    if ext in (".csv", ".txt", ".tsv"):
        if key is not None:
            raise UsageError("--key applies to .npz files only")
        return _read_csv(path, "\t" if ext == ".tsv" else ",")
    raise UsageError(f"{path!r}: unknown file type {ext or '(none)'!r}; "
                     "expected .npy, .npz or .csv")


def _check_numbers(path: str, arr: np.ndarray) -> np.ndarray:
    """float32/float64 stay as they are; integers become float64; others are refused."""
    if arr.dtype.kind not in "fiu" or arr.dtype.kind == "f" and arr.dtype.itemsize < 4:
        raise UsageError(f"{path!r}: array of type {arr.dtype} is not real numbers")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    return np.ascontiguousarray(arr)


def _read_csv(path: str, delimiter: str) -> tuple[list[str], np.ndarray]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = [r for r in csv.reader(f, delimiter=delimiter) if any(c.strip() for c in r)]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise UsageError(f"cannot read {path!r} as CSV: {e}") from None
    if not rows:
        raise UsageError(f"{path!r} is empty")

    def number(c: str) -> float | None:
        try:
            return float(c)
        except ValueError:
            return None

    header = any(number(c) is None for c in rows[0])
    names = [c.strip() for c in rows[0]] if header else [str(i) for i in range(len(rows[0]))]
    body = rows[1:] if header else rows
    if not body:
        raise UsageError(f"{path!r} has a header but no data rows")
    out = np.empty((len(body), len(names)))
    first = 2 if header else 1
    for i, r in enumerate(body):
        if len(r) != len(names):
            raise UsageError(f"{path!r} line {i + first}: {len(r)} values, "
                             f"expected {len(names)} (one per column)")
        for j, c in enumerate(r):
            v = number(c)
            if v is None:
                raise UsageError(f"{path!r} line {i + first}, column {names[j]!r}: "
                                 f"{c!r} is not a number")
            out[i, j] = v
    return names, out


def select_columns(path: str, names: list[str], data: np.ndarray,
                   wanted: str | None) -> tuple[list[str], np.ndarray]:
    """The columns named (or numbered from 0) in a comma-separated list."""
    if wanted is not None:
        idx = []
        for w in (p.strip() for p in wanted.split(",")):
            if w in names:
                idx.append(names.index(w))
            elif w.lstrip("-").isdigit() and -len(names) <= int(w) < len(names):
                idx.append(int(w) % len(names))
            else:
                raise UsageError(f"no column {w!r} in {path!r} "
                                 f"(columns: {', '.join(names)}, or 0..{len(names) - 1})")
        names = [names[i] for i in idx]
        data = np.ascontiguousarray(data[:, idx])
    bad = ~np.isfinite(data)
    if bad.any():
        j = int(np.nonzero(bad.any(axis=0))[0][0])
        rows = np.nonzero(bad[:, j])[0]
        raise UsageError(f"column {names[j]!r} of {path!r} has {rows.size} non-finite "
                         f"value(s) (NaN or inf), the first in data row {int(rows[0]) + 1}")
    return names, data


# ---------------------------------------------------------------- output

def _clean(v: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN to null, ±inf to "inf"/"-inf"."""
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_clean(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def emit(args: argparse.Namespace, payload: dict, rows: Sequence[dict],
         fields: Sequence[str]) -> None:
    """JSON (the whole payload) or CSV (one line per row) to stdout."""
    out = sys.stdout
    if args.format == "json":
        json.dump(_clean(payload), out, indent=2, allow_nan=False)
        out.write("\n")
    else:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(fields)
        for r in rows:
            w.writerow([_csv_cell(r.get(f)) for f in fields])
    out.flush()


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return v


def _interval(x: Any) -> tuple[float, float, float]:
    """(value, low, high) of a result field given as an object or a tuple."""
    if hasattr(x, "value"):
        return float(x.value), float(x.low), float(x.high)
    v, lo, hi = x
    return float(v), float(lo), float(hi)


def _plot_check(args: argparse.Namespace) -> None:
    """Fail before the work, not after it, when --plot cannot be drawn."""
    if getattr(args, "plot", None):
        from . import plot

        plot.require_matplotlib()
        d = os.path.dirname(os.path.abspath(args.plot))
        if not os.path.isdir(d):
            raise UsageError(f"--plot {args.plot!r}: no such directory {d!r}")


def _lib() -> Any:
    import levysgd

    return levysgd


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("levysgd")
    except (ImportError, PackageNotFoundError):
        return str(getattr(_lib(), "__version__", "(not installed: version unknown)"))


def _floats_flag(name: str, text: str) -> list[float]:
    try:
        return study_config._floats(name, text)
    except study_config.ConfigError as e:
        raise UsageError(str(e)) from None


# ---------------------------------------------------------------- sample

def cmd_sample(args: argparse.Namespace) -> None:
    ls = _lib()
    alphas = _floats_flag("--alpha", args.alpha)
    scales = _floats_flag("--scale", args.scale)
    if args.n < 1:
        raise UsageError(f"-n must be >= 1, got {args.n}")
    if len(scales) not in (1, len(alphas)):
        raise UsageError(f"--scale needs 1 or {len(alphas)} values (one per --alpha), "
                         f"got {len(scales)}")
    out_ext = None
    if args.out:
        out_ext = os.path.splitext(args.out)[1].lower()
        if out_ext not in (".npy", ".npz", ".csv"):
            raise UsageError(f"--out {args.out!r} must end in .npy, .npz or .csv")
    _plot_check(args)
    if len(alphas) == 1:
        law = ls.stable(alphas[0], args.beta, scales[0], args.loc, param=args.param)
        x = law.rvs(args.n, seed=args.seed, stream=args.stream, dtype=args.dtype,
                    threads=args.threads)
        data = x[:, None]
        laws = [law]
    else:
        if args.beta != 0 or args.loc != 0:
            raise UsageError("several --alpha values draw symmetric coordinates "
                             "(levysgd.sample_coordinates): --beta and --loc must be 0")
        if len(scales) == 1:
            scales = scales * len(alphas)
        data = ls.sample_coordinates(alphas, scales, args.n, seed=args.seed, stream=args.stream,
                                     dtype=args.dtype, threads=args.threads)
        laws = [ls.stable(a, 0.0, s, 0.0, param="S1") for a, s in zip(alphas, scales)]
    names = ["x"] if data.shape[1] == 1 else [f"x{i}" for i in range(data.shape[1])]
    settings = {"alpha": alphas if len(alphas) > 1 else alphas[0], "beta": args.beta,
                "scale": scales if len(scales) > 1 else scales[0], "loc": args.loc,
                "param": args.param, "n": args.n, "seed": args.seed, "stream": args.stream,
                "dtype": args.dtype}
    if args.out:
        if out_ext == ".npy":
            np.save(args.out, data if data.shape[1] > 1 else data[:, 0])
        elif out_ext == ".npz":
            np.savez(args.out, **{n: data[:, i] for i, n in enumerate(names)})
        else:
            with open(args.out, "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(names)
                w.writerows([repr(float(v)) for v in row] for row in data)
        summary = [{"column": n, "median": float(np.median(data[:, i])),
                    "q01": float(np.quantile(data[:, i], 0.01)),
                    "q99": float(np.quantile(data[:, i], 0.99))} for i, n in enumerate(names)]
        emit(args, {"sample": settings, "out": args.out, "columns": summary}, summary,
             ["column", "median", "q01", "q99"])
    elif args.format == "json":
        emit(args, {"sample": settings,
                    "samples": data[:, 0] if data.shape[1] == 1 else data}, [], [])
    else:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(names)
        w.writerows([repr(float(v)) for v in row] for row in data)
    if args.plot:
        from . import plot

        law = laws[0]
        x = data[:, 0].astype(np.float64)
        plot.density_figure(x, law, _gaussian(ls, x), args.plot,
                            f"{args.n} draws of S({law.alpha:g}, {law.beta:g}, "
                            f"{law.scale:g}, {law.loc:g}; {law.param})",
                            f"law sampled, α = {law.alpha:g}")


def _gaussian(ls: Any, x: np.ndarray) -> Any:
    """N(mean, sd²) of x as the stable law S(2, 0, sd/√2) (S(2) has variance 2c²)."""
    sd = float(np.std(x))
    return ls.stable(2.0, 0.0, max(sd, float(np.finfo(float).tiny)) / math.sqrt(2.0),
                     float(np.mean(x)), param="S1")


# ---------------------------------------------------------------- tail-index

def cmd_tail_index(args: argparse.Namespace) -> None:
    ls = _lib()
    names, data = select_columns(args.file, *read_table(args.file, args.key), args.columns)
    if args.bootstrap < 0:
        raise UsageError(f"--bootstrap must be >= 0, got {args.bootstrap}")
    if not 0 < args.confidence < 1:
        raise UsageError(f"--confidence must be in (0, 1), got {args.confidence}")
    _plot_check(args)
    kw = {} if args.k1 is None else {"k1": args.k1}
    alphas = np.atleast_1d(ls.tail_index(data, axis=0, threads=args.threads, **kw))
    rows: list[dict[str, Any]] = []
    with Progress("tail-index", len(names), _progress_enabled(args)) as bar:
        for j, name in enumerate(names):
            col = np.ascontiguousarray(data[:, j])
            row = {"column": name, "n": int(col.size), "alpha": float(alphas[j]),
                   "hill": float(ls.hill(col))}
            if args.bootstrap:
                b = ls.bootstrap_tail_index(col, resamples=args.bootstrap,
                                            confidence=args.confidence, seed=args.seed)
                row.update(low=float(b.low), high=float(b.high))
            rows.append(row)
            bar.update(j + 1, name)
    fields = ["column", "n", "alpha"] + (["low", "high"] if args.bootstrap else []) + ["hill"]
    emit(args, {"file": args.file, "estimator": "mohammadi", "hill": "hill (k = floor(sqrt n))",
                "interval": ({"method": "bootstrap", "resamples": args.bootstrap,
                              "confidence": args.confidence, "seed": args.seed}
                             if args.bootstrap else None),
                "columns": rows}, rows, fields)
    if args.plot:
        from . import plot

        plot.tail_figure([data[:, j] for j in range(len(names))], names,
                         [r["alpha"] for r in rows], args.plot)


# ---------------------------------------------------------------- fit

def cmd_fit(args: argparse.Namespace) -> None:
    ls = _lib()
    names, data = select_columns(args.file, *read_table(args.file, args.key), args.columns)
    _plot_check(args)
    rows, fits = [], []
    with Progress("fit", len(names), _progress_enabled(args)) as bar:
        for j, name in enumerate(names):
            col = np.ascontiguousarray(data[:, j], dtype=np.float64)
            r = ls.fit_stable(col, method=args.method, param=args.param)
            fits.append(r)
            rows.append({"column": name, "n": int(col.size), "alpha": r.alpha,
                         "alpha_se": r.alpha_se, "beta": r.beta, "beta_se": r.beta_se,
                         "scale": r.scale, "scale_se": r.scale_se, "loc": r.loc,
                         "loc_se": r.loc_se, "gaussian_mean": float(np.mean(col)),
                         "gaussian_sd": float(np.std(col))})
            bar.update(j + 1, name)
    fields = ["column", "n", "alpha", "alpha_se", "beta", "beta_se", "scale", "scale_se",
              "loc", "loc_se", "gaussian_mean", "gaussian_sd"]
    emit(args, {"file": args.file, "method": args.method, "param": args.param, "columns": rows},
         rows, fields)
    if args.plot:
        from . import plot

        col = np.asarray(data[:, 0], dtype=np.float64)
        r = fits[0]
        plot.density_figure(col, r.distribution(), _gaussian(ls, col), args.plot,
                            f"{args.file}, column {names[0]!r}: {args.method} fit",
                            f"fitted S({r.alpha:.3g}, {r.beta:.2g}, {r.scale:.3g}, "
                            f"{r.loc:.3g}; {args.param})")


# ---------------------------------------------------------------- escape

class _Study:
    """The pieces of one escape setting, built from levysgd's objects."""

    def __init__(self, ls: Any, s: dict) -> None:
        self.ls, self.s = ls, s
        self.notes: list[str] = []
        if s["potential"] == "double-well":
            self.potential = ls.double_well(*s["well"])
        else:
            self.potential = ls.polynomial_well(s["minima"], s["maxima"])
        crit = list(self.potential.critical_points())  # minimum, maximum, minimum, ...
        self.minima, self.maxima = crit[0::2], crit[1::2]
        i = s["start"]
        if not 0 <= i < len(self.minima):
            raise UsageError(f"start must be in [0, {len(self.minima) - 1}] "
                             f"(the index of a minimum), got {i}")
        self.x0 = self.minima[i] if s["x0"] is None else s["x0"]
        if s["domain"] is not None:
            self.lo, self.hi = s["domain"]
        else:  # the basin of the start minimum, up to its neighbouring maxima
            self.lo = self.maxima[i - 1] if i > 0 else -math.inf
            self.hi = self.maxima[i] if i < len(self.maxima) else math.inf
            if math.isinf(self.lo) and math.isinf(self.hi):
                raise UsageError("the start minimum has no neighbouring maximum: give a domain")
        if not self.lo < self.x0 < self.hi:
            raise UsageError(f"x0 = {self.x0} must lie inside the domain ({self.lo}, {self.hi})")
        dt = s["dt"]
        self.integrator = {"euler": ls.euler, "tamed-euler": ls.tamed_euler,
                           "sgd": ls.sgd_recursion}[s["integrator"]](dt)
        self.domain = ls.interval(self.lo, self.hi)
        # the library checks gamma, t_min, boundaries and factors (C++ messages)
        self.scheduler = {"constant": lambda: None,
                          "exponential": lambda: ls.exponential_scheduler(s["gamma"], s["t_min"]),
                          "multistep": lambda: ls.multistep_scheduler(s["boundaries"], s["factors"]),
                          }[s["scheduler"]]()
        self.theory_name = self._theory_name()

    def _model(self, kind: str, eps: float) -> Any:
        ls, sched = self.ls, self.scheduler
        if kind == "stable":
            return ls.stable_noise(1, self.s["alpha"], eps, scheduler=sched)
        if kind == "hessian":  # covariance eps^2 |f''| (or eps^2 f''_+): sigma = eps at f'' = 1
            return ls.hessian_noise(self.potential, eps * eps, self.s["hessian_part"], scheduler=sched)
        return ls.gaussian_noise.isotropic(1, eps, scheduler=sched)

    def noise(self, eps: float) -> Any:
        if self.s["noise"] != "mixture":
            return self._model(self.s["noise"], eps)
        (a, b), (ca, cb) = self.s["mixture"], self.s["mixture_scales"]
        return self.ls.mixture_noise(self._model(a, ca * eps), self._model(b, cb * eps))

    def _theory_name(self) -> str | None:
        s = self.s
        why = None
        if s["domain"] is not None:
            why = "the closed forms are for the basin of the start minimum (no --domain)"
        elif s["x0"] is not None:
            why = "the closed forms start at the minimum (no --x0)"
        elif s["integrator"] == "sgd":
            why = "the closed forms are for the SDE (euler or tamed-euler), not sgd"
        elif s["noise"] not in ("stable", "gaussian"):
            why = f"the closed forms are for stable or Gaussian noise, not {s['noise']}"
        elif s["scheduler"] != "constant":
            why = "the closed forms are for a constant scheduler"
        elif s["noise"] == "stable" and not s["alpha"] < 2:
            why = "Imkeller-Pavlyukevich needs alpha < 2"
        if why:
            self.notes.append(f"no theory: {why}")
            return None
        return "kramers" if s["noise"] == "gaussian" else "imkeller-pavlyukevich"

    def theory(self, eps: float) -> float:
        """Mean exit time from the closed forms (NaN where they refuse, e.g. overflow)."""
        ls, i = self.ls, self.s["start"]
        try:
            if self.theory_name == "imkeller-pavlyukevich":
                # Simsekli et al. 2019 Thm 1 (Imkeller & Pavlyukevich 2006)
                return float(ls.levy_metastability(self.potential, self.s["alpha"], eps)
                             .mean_exit_time(i))
            # Kramers (Xie et al. 2021 Thm 3.1): time to the saddle is tau_K / 2
            # (docs/theory.md); isotropic(1, eps) has D = eps^2 / 2; the rates of
            # the open sides add (Xie et al. 2021 Rule 1).
            m = self.minima[i]
            h_a = float(self.potential.second_derivative(m))
            times = []
            for side, saddle in ((-1, self.lo), (+1, self.hi)):
                if math.isfinite(saddle):
                    h_b = float(self.potential.second_derivative(saddle))
                    dl = float(self.potential.barrier(i, side))
                    times.append(float(ls.kramers_escape_time(h_a, h_b, dl, eps * eps / 2)) / 2)
            return 1.0 / sum(1.0 / t for t in times)
        except (ValueError, OverflowError):
            return math.nan

    def label(self) -> str:
        return {"kramers": "Kramers (Xie et al. 2021 Thm 3.1), time to the saddle",
                "imkeller-pavlyukevich": "Imkeller–Pavlyukevich (Simsekli et al. 2019 Thm 1)"
                }.get(self.theory_name or "", "")


def cmd_escape(args: argparse.Namespace) -> None:
    ls = _lib()
    try:
        file_settings = study_config.read_study_file(args.config) if args.config else {}
        flags = {k: getattr(args, k, None) for k in study_config.FIELDS}
        s = study_config.merge(file_settings, flags)
    except study_config.ConfigError as e:
        raise UsageError(str(e)) from None
    _plot_check(args)
    st = _Study(ls, s)
    rows: list[dict[str, Any]] = []
    # escape_study draws its own bar (per eps) on stderr when asked to; the
    # same rule decides: only on a terminal unless --progress says otherwise
    bar = Progress("escape", 1, _progress_enabled(args))
    for k, eps in enumerate(s["eps"]):
        if bar.enabled:
            print(f"levysgd escape: eps = {eps:g} ({k + 1} of {len(s['eps'])})",
                  file=sys.stderr, flush=True)
        r = ls.escape_study(st.potential, st.noise(eps), st.integrator, st.domain,
                            np.array([st.x0]), paths=s["paths"], horizon=s["horizon"],
                            seed=s["seed"], threads=s["threads"], progress=bar.enabled,
                            keep_paths=False, confidence=s["confidence"])
        m, mlo, mhi = _interval(r.mean_exit_time)
        q, qlo, qhi = _interval(r.escape_rate)
        th = st.theory(eps) if st.theory_name else None
        rows.append({"eps": eps, "paths": int(s["paths"]), "exited": int(r.exited),
                     "censored": int(r.censored), "non_finite": int(r.non_finite),
                     "mean_exit_time": m, "mean_exit_time_low": mlo,
                     "mean_exit_time_high": mhi, "restricted_mean": float(r.restricted_mean),
                     "escape_rate": q, "escape_rate_low": qlo, "escape_rate_high": qhi,
                     "theory": th,
                     "sim_over_theory": (m / th if th and math.isfinite(th) else None)})
    if any(r["censored"] for r in rows):
        st.notes.append("some paths reached the horizon (censored): mean_exit_time is biased "
                        "low there; compare restricted_mean and escape_rate, or raise --horizon")
    for n in st.notes:
        print(f"levysgd escape: note: {n}", file=sys.stderr)
    settings = dict(s, x0=st.x0, domain=[st.lo, st.hi])
    fields = list(rows[0].keys())
    emit(args, {"study": settings, "theory": st.theory_name, "theory_label": st.label(),
                "notes": st.notes, "results": rows}, rows, fields)
    if args.plot:
        from . import plot

        eps_grid = np.geomspace(0.9 * min(s["eps"]), 1.1 * max(s["eps"]), 60)
        th_grid = np.array([st.theory(v) for v in eps_grid]) if st.theory_name else None
        plot.escape_figure(rows, eps_grid, th_grid, st.label(), args.plot,
                           f"{s['potential']}, {s['noise']} noise"
                           + (f" α = {s['alpha']:g}" if s["noise"] == "stable" else "")
                           + f", {s['integrator']} dt = {s['dt']:g}, {s['paths']} paths")


# ---------------------------------------------------------------- bench

def _best_time(f: Callable[[], Any], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def cmd_bench(args: argparse.Namespace) -> None:
    ls = _lib()
    if args.n < 1000:
        raise UsageError(f"-n must be >= 1000, got {args.n}")
    if args.n_pdf < 1 or args.n_pdf_scipy < 1:
        raise UsageError(f"--n-pdf and --n-pdf-scipy must be >= 1, "
                         f"got {args.n_pdf} and {args.n_pdf_scipy}")
    if args.repeat < 1:
        raise UsageError(f"--repeat must be >= 1, got {args.repeat}")
    law = ls.stable(args.alpha, args.beta, 1.0, 0.0, param="S1")
    x = law.rvs(args.n, seed=1, threads=args.threads)
    pts = np.ascontiguousarray(x[: args.n_pdf])
    me = f"levysgd ({'all cores' if args.threads == 0 else f'{args.threads} threads'})"
    tasks: list[tuple[str, str, int, Callable[[], Any]]] = [
        ("rvs", me, args.n, lambda: law.rvs(args.n, seed=2, threads=args.threads)),
        ("pdf", me, pts.size, lambda: law.pdf(pts, threads=args.threads)),
        ("tail_index", me, args.n, lambda: ls.tail_index(x, threads=args.threads)),
    ]
    scipy_note = None
    if not args.no_scipy:
        try:
            import scipy  # type: ignore[import-untyped]
            from scipy.stats import levy_stable  # type: ignore[import-untyped]
        except ImportError:
            scipy_note = "scipy is not installed: no comparison"
        else:
            sp = pts[: args.n_pdf_scipy]
            # scipy's S1 is levysgd's S1 (Nolan's S^1)
            ref = levy_stable(args.alpha, args.beta)
            tasks += [("rvs", f"scipy {scipy.__version__} (levy_stable, 1 core)", args.n,
                       lambda: ref.rvs(size=args.n, random_state=3)),
                      ("pdf", f"scipy {scipy.__version__} (levy_stable, 1 core)", sp.size,
                       lambda: ref.pdf(sp))]
    rows: list[dict[str, Any]] = []
    with Progress("bench", len(tasks), _progress_enabled(args)) as bar:
        for i, (op, lib, n, f) in enumerate(tasks):
            bar.update(i, f"{op} {lib.split()[0]}")
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    t = _best_time(f, args.repeat)
            rows.append({"operation": op, "library": lib, "n": n, "seconds": t,
                         "per_second": n / t if t > 0 else math.inf})
            bar.update(i + 1)
    for r in rows:
        peer = next((p for p in rows if p["operation"] == r["operation"]
                     and p["library"] == me), None)
        r["levysgd_speedup"] = (peer["per_second"] / r["per_second"]
                                if peer and r["library"] != me else None)
    emit(args, {"alpha": args.alpha, "beta": args.beta, "threads": args.threads,
                "repeat": args.repeat, "note": scipy_note,
                "units": "per_second: samples (rvs), points (pdf) or values read (tail_index)",
                "results": rows}, rows,
         ["operation", "library", "n", "seconds", "per_second", "levysgd_speedup"])


# ---------------------------------------------------------------- parser

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own: usage + exit 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="levysgd", description="α-stable noise, tail indices and escape "
                "studies from the levysgd library. Output: JSON (default) or CSV on stdout.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(q: argparse.ArgumentParser, plot: str | None = None) -> None:
        q.add_argument("--format", choices=("json", "csv"), default="json",
                       help="output on stdout (default json)")
        q.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                       help="progress bar on stderr: auto = only when stderr is a terminal")
        q.add_argument("--threads", type=int, default=0, help="0 = all cores (default)")
        if plot:
            q.add_argument("--plot", metavar="OUT.png", help=plot + " (needs matplotlib)")

    def data_in(q: argparse.ArgumentParser) -> None:
        q.add_argument("file", help=".npy, .npz or .csv; rows are samples, one column each")
        q.add_argument("--columns", help="comma-separated column names or 0-based numbers")
        q.add_argument("--key", help="array name in a .npz file")

    q = sub.add_parser("sample", help="draw α-stable samples",
                       description="Draw S(alpha, beta, scale, loc) samples; several --alpha "
                       "values draw one symmetric column each (sample_coordinates).")
    q.add_argument("--alpha", required=True, help="tail index in (0, 2], or a comma list")
    q.add_argument("--beta", type=float, default=0.0)
    q.add_argument("--scale", default="1", help="scale (or one per --alpha)")
    q.add_argument("--loc", type=float, default=0.0)
    q.add_argument("--param", choices=("S0", "S1"), default="S1")
    q.add_argument("-n", type=int, default=1000, help="number of samples (default 1000)")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--stream", type=int, default=0)
    q.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    q.add_argument("--out", help="write the samples to .npy, .npz or .csv "
                   "(stdout then gets a summary)")
    common(q, "histogram against the law's density and a Gaussian, log axes")
    q.set_defaults(func=cmd_sample)

    q = sub.add_parser("tail-index", help="tail index α per column (Mohammadi, Hill)",
                       description="One α per column (Simsekli et al. 2019 eq. 15), with a "
                       "bootstrap interval and Hill's estimate beside it.")
    data_in(q)
    q.add_argument("--k1", type=int, help="block length (default: the paper's rule)")
    q.add_argument("--bootstrap", type=int, default=200,
                   help="bootstrap resamples for the interval (0 = none; default 200)")
    q.add_argument("--confidence", type=float, default=0.95)
    q.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    common(q, "log-log tail P(|X| > x) with the α̂ line")
    q.set_defaults(func=cmd_tail_index)

    q = sub.add_parser("fit", help="fit a stable law per column",
                       description="Fit S(alpha, beta, scale, loc) to each column.")
    data_in(q)
    q.add_argument("--method", choices=("mcculloch", "mle"), default="mcculloch",
                   help="McCulloch quantiles (default) or maximum likelihood with standard errors")
    q.add_argument("--param", choices=("S0", "S1"), default="S1")
    common(q, "histogram of the first column with the fitted SαS and a Gaussian, log axes")
    q.set_defaults(func=cmd_fit)

    q = sub.add_parser("escape", help="exit times from a well against ε, with theory",
                       description="Escape study swept over eps: flags, or a .toml/.json "
                       "study file (--config) whose keys are the flag names; flags win.")
    q.add_argument("--config", metavar="STUDY.toml", help=".toml or .json study file")
    q.add_argument("--potential", help="|".join(study_config.POTENTIALS)
                   + " (default double-well)")
    q.add_argument("--well", help="double well left,saddle,right (default -1,-0.5,2)")
    q.add_argument("--minima", help="polynomial well minima, comma list")
    q.add_argument("--maxima", help="polynomial well maxima, comma list")
    q.add_argument("--start", help="index of the minimum the paths start in (default 0)")
    q.add_argument("--x0", help="start point (default: that minimum)")
    q.add_argument("--domain", help="lo,hi (default: the start minimum's basin)")
    q.add_argument("--noise", help="|".join(study_config.NOISES) + " (default stable)")
    q.add_argument("--alpha", help="stable tail index (default 1.5)")
    q.add_argument("--mixture", help="--noise mixture: two of " + "|".join(study_config.MIXTURE_NOISES)
                   + ", comma list (default gaussian,stable)")
    q.add_argument("--mixture-scales", help="their scales relative to eps (default 1,1)")
    q.add_argument("--hessian-part", help="hessian noise: absolute (eps^2 |f''|, default) or "
                   "positive (eps^2 max(f'', 0))")
    q.add_argument("--scheduler", help="|".join(study_config.SCHEDULERS) + " (default constant)")
    q.add_argument("--gamma", help="exponential scheduler: s_t = max(t, t_min)^(gamma - 1)")
    q.add_argument("--t-min", help="exponential scheduler's t_min (default 1)")
    q.add_argument("--boundaries", help="multistep scheduler: increasing times, comma list")
    q.add_argument("--factors", help="multistep scheduler: s_t after each boundary, comma list")
    q.add_argument("--eps", help="noise scales, comma list (default 0.1,0.05,0.02)")
    q.add_argument("--integrator", help="|".join(study_config.INTEGRATORS)
                   + " (default tamed-euler)")
    q.add_argument("--dt", help="step (default 0.01)")
    q.add_argument("--paths", help="paths per eps (default 1000)")
    q.add_argument("--horizon", help="time limit per path (default 1e4)")
    q.add_argument("--seed", help="default 0")
    q.add_argument("--confidence", help="interval level (default 0.95)")
    common(q, "mean exit time against eps (log-log) with the theory line")
    q.set_defaults(func=cmd_escape)
    q.set_defaults(threads=None)

    q = sub.add_parser("bench", help="short timing of rvs, pdf and tail_index",
                       description="Times levysgd's rvs, pdf and tail_index (best of "
                       "--repeat) and, when scipy is installed, scipy.stats.levy_stable's "
                       "rvs and pdf on fewer points, labelled as such.")
    q.add_argument("-n", type=int, default=1_000_000, help="samples for rvs and tail_index")
    q.add_argument("--n-pdf", type=int, default=20_000, help="points for levysgd's pdf")
    q.add_argument("--n-pdf-scipy", type=int, default=200, help="points for scipy's pdf")
    q.add_argument("--alpha", type=float, default=1.5)
    q.add_argument("--beta", type=float, default=0.0)
    q.add_argument("--repeat", type=int, default=3)
    q.add_argument("--no-scipy", action="store_true", help="skip the scipy comparison")
    common(q)
    q.set_defaults(func=cmd_bench)
    return p


def _negative_values(argv: Sequence[str]) -> list[str]:
    """`--well -1,-0.5,2` as `--well=-1,-0.5,2`: argparse takes a value that
    starts with '-' and is not one plain number for an option."""
    out: list[str] = []
    for a in argv:
        if (out and out[-1].startswith("--") and "=" not in out[-1]
                and re.match(r"-[0-9.]", a) and out[-1] not in _SWITCHES):
            out[-1] = f"{out[-1]}={a}"
        else:
            out.append(a)
    return out


_SWITCHES = {"--version", "--help", "--no-scipy"}  # options that take no value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_negative_values(sys.argv[1:] if argv is None else list(argv)))
    if args.version:
        print(f"levysgd {_version()}")
        return 0
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    where = f"levysgd {args.command}"
    try:
        args.func(args)
    except UsageError as e:
        print(f"{where}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{where}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. | head: not an error of ours
        try:
            sys.stdout = io.TextIOWrapper(open(os.devnull, "wb"))
        except OSError:
            pass
        return 0
    except Exception as e:  # noqa: BLE001 - the library's refusal, never a traceback
        if os.environ.get("LEVYSGD_TRACEBACK"):
            raise
        from .plot import PlotUnavailable

        plain = isinstance(e, (ValueError, TypeError, PlotUnavailable))
        print(f"{where}: error: {'' if plain else type(e).__name__ + ': '}{e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
