"""Escape-study settings for ``levysgd escape``: defaults, a TOML/JSON file,
and flags, merged in that order (a flag beats the file, the file beats the
default). Only reading and checking settings lives here; the study itself is
``levysgd.escape_study``.

A study file holds the flag names as keys (dashes or underscores), e.g.::

    potential = "double-well"
    well = [-1.0, -0.5, 2.0]
    noise = "stable"
    alpha = 1.5
    eps = [0.1, 0.05, 0.02]
    dt = 0.01
    paths = 1000
    horizon = 1e4
    seed = 1

Noise ``stable`` (scale eps, tail index alpha), ``gaussian`` (sigma = eps),
``hessian`` (covariance eps^2 |f''(x)|, or eps^2 max(f''(x), 0) with
``hessian-part = "positive"``) or ``mixture``: the sum of two of these
(``mixture = ["gaussian", "stable"]``; any two, also the same one twice),
component k at scale eps * mixture_scales[k]. Every noise model takes the
``scheduler`` s_t (Battash & Lindenbaum 2023 eq. 3; C++ sde/scheduler.hpp)::

    scheduler = "exponential"   # s_t = max(t, t_min)^(gamma - 1)
    gamma = 0.5
    t_min = 1.0
    # scheduler = "multistep"   # s_t = factors[p] after boundaries[p]
    # boundaries = [10.0, 100.0]
    # factors = [0.5, 0.25]
"""
from __future__ import annotations

import json
import math
import os
from typing import Any

POTENTIALS = ("double-well", "polynomial-well")  # the 1-D wells compiled for studies
NOISES = ("stable", "gaussian", "hessian", "mixture")
MIXTURE_NOISES = ("stable", "gaussian", "hessian")  # the two sides of a mixture
SCHEDULERS = ("constant", "exponential", "multistep")
HESSIAN_PARTS = ("absolute", "positive")
INTEGRATORS = ("euler", "tamed-euler", "sgd")

# name -> (default, kind); kind names the parser below
FIELDS: dict[str, tuple[Any, str]] = {
    "potential": ("double-well", "potential"),
    "well": ([-1.0, -0.5, 2.0], "floats"),        # double well: left, saddle, right
    "minima": (None, "floats"),                   # polynomial well
    "maxima": (None, "floats"),
    "start": (0, "int"),                          # which minimum the paths start in
    "x0": (None, "float"),
    "domain": (None, "floats"),                   # lo, hi (inf allowed)
    "noise": ("stable", "noise"),
    "alpha": (1.5, "float"),
    "mixture": (["gaussian", "stable"], "mixture"),  # noise = "mixture": its two models
    "mixture_scales": ([1.0, 1.0], "floats"),     # their scales relative to eps
    "hessian_part": ("absolute", "hessian_part"),  # positive: no noise where f'' < 0
    "scheduler": ("constant", "scheduler"),
    "gamma": (None, "float"),                     # exponential scheduler
    "t_min": (1.0, "float"),
    "boundaries": (None, "floats"),               # multistep scheduler
    "factors": (None, "floats"),
    "eps": ([0.1, 0.05, 0.02], "floats"),
    "integrator": ("tamed-euler", "integrator"),
    "dt": (0.01, "float"),
    "paths": (1000, "int"),
    "horizon": (1e4, "float"),
    "seed": (0, "int"),
    "threads": (0, "int"),
    "confidence": (0.95, "float"),
}


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it and its value."""


def _floats(name: str, value: Any) -> list[float]:
    if isinstance(value, str):
        parts: list[Any] = [p for p in value.replace(" ", "").split(",") if p != ""]
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        parts = [value]
    else:
        raise ConfigError(f"{name} must be a number or a list of numbers, got {value!r}")
    out = []
    for p in parts:
        try:
            if isinstance(p, bool):
                raise ValueError
            out.append(float(p))
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a list of numbers, got {value!r}") from None
    if not out:
        raise ConfigError(f"{name} must not be empty, got {value!r}")
    return out


def _convert(name: str, value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "floats":
        return _floats(name, value)
    if kind == "float":
        v = _floats(name, value)
        if len(v) != 1:
            raise ConfigError(f"{name} must be one number, got {value!r}")
        return v[0]
    if kind == "int":
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be an integer, got {value!r}") from None
    if kind == "mixture":
        if isinstance(value, str):
            value = [p for p in value.replace(" ", "").split(",") if p != ""]
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ConfigError(f"{name} must be two noise models (of {', '.join(MIXTURE_NOISES)}), "
                              f"got {value!r}")
        return [_convert(name, v, "mixture_noise") for v in value]
    choices = {"potential": POTENTIALS, "noise": NOISES, "integrator": INTEGRATORS,
               "mixture_noise": MIXTURE_NOISES, "scheduler": SCHEDULERS,
               "hessian_part": HESSIAN_PARTS}[kind]
    text = str(value).replace("_", "-")
    if text not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return text


def read_study_file(path: str) -> dict[str, Any]:
    """The settings in a .toml or .json study file (keys checked, values converted)."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".toml", ".json"):
        raise ConfigError(f"study file {path!r} must end in .toml or .json")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError(f"cannot read study file {path!r}: {e.strerror or e}") from None
    try:
        if ext == ".json":
            data = json.loads(raw.decode("utf-8"))
        else:
            import tomllib  # Python >= 3.11

            data = tomllib.loads(raw.decode("utf-8"))
    except ImportError:
        raise ConfigError("reading a .toml study file needs Python >= 3.11 (tomllib); "
                          "use a .json file") from None
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError, TOMLDecodeError
        raise ConfigError(f"study file {path!r} is not valid {ext[1:].upper()}: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"study file {path!r} must hold a table/object of settings")
    if isinstance(data.get("study"), dict) and len(data) == 1:  # [study] table
        data = data["study"]
    out = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name not in FIELDS:
            raise ConfigError(f"study file {path!r}: unknown setting {key!r} "
                              f"(known: {', '.join(sorted(FIELDS))})")
        out[name] = _convert(f"{path}: {key}", value, FIELDS[name][1])
    return out


def merge(file_settings: dict[str, Any], flags: dict[str, Any]) -> dict[str, Any]:
    """Defaults, then the file, then the flags that were given (not None)."""
    s = {k: v[0] for k, v in FIELDS.items()}
    s.update({k: v for k, v in file_settings.items() if v is not None})
    for k, v in flags.items():
        if k in FIELDS and v is not None:
            s[k] = _convert("--" + k.replace("_", "-"), v, FIELDS[k][1])
    check(s)
    return s


def check(s: dict[str, Any]) -> None:
    """Refuse settings the CLI cannot turn into a study (the library checks the rest)."""
    def positive(name: str, v: float) -> None:
        if not (v > 0 and math.isfinite(v)):
            raise ConfigError(f"{name} must be finite and > 0, got {v!r}")

    for e in s["eps"]:
        positive("eps", e)
    positive("dt", s["dt"])
    positive("horizon", s["horizon"])
    if s["paths"] < 1:
        raise ConfigError(f"paths must be >= 1, got {s['paths']}")
    if s["seed"] < 0:
        raise ConfigError(f"seed must be >= 0, got {s['seed']}")
    if s["threads"] < 0:
        raise ConfigError(f"threads must be >= 0, got {s['threads']}")
    stable = s["noise"] == "stable" or (s["noise"] == "mixture" and "stable" in s["mixture"])
    if stable and not (0 < s["alpha"] <= 2):
        raise ConfigError(f"alpha must be in (0, 2], got {s['alpha']!r}")
    if len(s["mixture_scales"]) != 2:
        raise ConfigError(f"mixture_scales must be two numbers, got {s['mixture_scales']!r}")
    for m in s["mixture_scales"]:
        if not (m >= 0 and math.isfinite(m)):
            raise ConfigError(f"mixture_scales must be finite and >= 0, got {s['mixture_scales']!r}")
    if s["scheduler"] == "exponential" and s["gamma"] is None:
        raise ConfigError("scheduler exponential needs gamma (s_t = max(t, t_min)^(gamma - 1))")
    if s["scheduler"] == "multistep" and (s["boundaries"] is None or s["factors"] is None):
        raise ConfigError("scheduler multistep needs boundaries and factors")
    if s["potential"] == "double-well" and len(s["well"]) != 3:
        raise ConfigError(f"well must be three numbers left,saddle,right, got {s['well']!r}")
    if s["potential"] == "polynomial-well" and (s["minima"] is None or s["maxima"] is None):
        raise ConfigError("potential polynomial-well needs minima and maxima")
    if s["domain"] is not None:
        d = s["domain"]
        if len(d) != 2 or not d[0] < d[1]:
            raise ConfigError(f"domain must be two numbers lo,hi with lo < hi, got {d!r}")
