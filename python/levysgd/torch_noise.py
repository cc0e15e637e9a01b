"""Tail indices of a PyTorch model's gradient noise, per parameter tensor.

The measurement of Simsekli et al. 2019 (Sec. 4) and Battash & Lindenbaum
2023 in three lines::

    noise = GradientNoise(model)                    # no copy of the model
    for x, y in loader:                             # your training loop
        opt.zero_grad(); loss_fn(model(x), y).backward(); noise.collect(); opt.step()
    print(noise.tail_indices())                     # {name: LayerTailIndex(alpha, low, high, ...)}

``collect()`` copies each parameter tensor's gradient (or a fixed, evenly
spaced subset of ``max_coordinates`` of its entries) into one row of a
buffer; nothing else of the model is copied. The noise is the minibatch
gradient minus the mean over the collected minibatches (or minus a full
gradient you pass), U = G − 1·∇Lᵀ by :func:`levysgd.gradient_noise` (the C++
``gradient_noise``); its tail index comes from :func:`levysgd.tail_index` and
:func:`levysgd.bootstrap_tail_index`.

torch is imported only when :class:`GradientNoise` is built; the
accumulation itself (:class:`NoiseAccumulator`) works on NumPy arrays, so it
is usable and tested without torch. Draw minibatches *with* replacement at
fixed weights for a clean measurement: rows of minibatches that partition the
data sum to zero and inflate α̂ (docs/tail.md); collecting during training
also mixes the drift of the weights into the noise.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np


@dataclass
class LayerTailIndex:
    """Tail index of one parameter tensor's gradient noise.

    ``alpha``: Mohammadi estimate on all noise entries of the tensor pooled
    (Simsekli et al. 2019), with the bootstrap interval ``[low, high]``;
    ``per_parameter``: one α̂ per collected coordinate, across minibatches
    (Battash & Lindenbaum 2023), NaN for a coordinate whose noise contains an
    exact 0; ``median_per_parameter`` summarises it."""

    name: str
    alpha: float
    low: float
    high: float
    per_parameter: np.ndarray = field(repr=False)
    median_per_parameter: float
    batches: int
    coordinates: int
    size: int

    def as_dict(self) -> dict:
        return {"name": self.name, "alpha": self.alpha, "low": self.low, "high": self.high,
                "median_per_parameter": self.median_per_parameter, "batches": self.batches,
                "coordinates": self.coordinates, "size": self.size}


def _lib() -> Any:
    import levysgd

    return levysgd


class NoiseAccumulator:
    """Minibatch gradients of named tensors, one row per minibatch.

    ``shapes``: name → shape of each tensor; ``max_coordinates``: keep at most
    this many entries of each tensor (evenly spaced over its flattened
    entries, the same ones every batch; None keeps all). Rows are stored as
    ``dtype`` in a buffer that doubles when full."""

    def __init__(self, shapes: Mapping[str, Sequence[int]], max_coordinates: int | None = 4096,
                 dtype: Any = np.float32) -> None:
        if max_coordinates is not None and max_coordinates < 1:
            raise ValueError(f"NoiseAccumulator: max_coordinates must be >= 1 or None, "
                             f"got {max_coordinates}")
        if not shapes:
            raise ValueError("NoiseAccumulator: no tensors to follow (shapes is empty)")
        self.dtype = np.dtype(dtype)
        self.sizes = {n: int(np.prod(s, dtype=np.int64)) for n, s in shapes.items()}
        self.index: dict[str, np.ndarray | None] = {}
        for n, size in self.sizes.items():
            if max_coordinates is None or size <= max_coordinates:
                self.index[n] = None
            else:
                self.index[n] = np.unique(np.linspace(0, size - 1, max_coordinates)
                                          .round().astype(np.int64))
        self._rows = {n: np.empty((16, self.width(n)), self.dtype) for n in self.sizes}
        self.batches = 0

    def width(self, name: str) -> int:
        i = self.index[name]
        return self.sizes[name] if i is None else int(i.size)

    def add(self, grads: Mapping[str, Any]) -> None:
        """One minibatch: name → gradient array (any shape with the tensor's size)."""
        missing = set(self.sizes) - set(grads)
        if missing:
            raise ValueError(f"NoiseAccumulator.add: no gradient for {sorted(missing)}")
        rows = {}
        for n, g in grads.items():
            if n not in self.sizes:
                raise ValueError(f"NoiseAccumulator.add: unknown tensor {n!r}")
            flat = np.asarray(g).reshape(-1)
            if flat.size != self.sizes[n]:
                raise ValueError(f"NoiseAccumulator.add: gradient of {n!r} has {flat.size} "
                                 f"entries, expected {self.sizes[n]}")
            i = self.index[n]
            rows[n] = flat if i is None else flat[i]
        self._store(rows)

    def _store(self, rows: Mapping[str, np.ndarray]) -> None:
        """One row per tensor, the chosen entries already taken."""
        b = self.batches
        for n, r in rows.items():
            buf = self._rows[n]
            if b == buf.shape[0]:
                buf = self._rows[n] = np.concatenate([buf, np.empty_like(buf)])
            buf[b] = r
        self.batches = b + 1

    def gradients(self, name: str) -> np.ndarray:
        """The collected rows of one tensor (batches × coordinates), a view."""
        return self._rows[name][: self.batches]

    def noise(self, name: str, full_gradient: Any = None) -> np.ndarray:
        """U = G − 1·∇Lᵀ (:func:`levysgd.gradient_noise`): minus the full
        gradient if given, else minus the mean row."""
        g = np.ascontiguousarray(self.gradients(name), dtype=np.float64)
        full = None
        if full_gradient is not None:
            full = np.asarray(full_gradient, dtype=np.float64).reshape(-1)
            if full.size != self.sizes[name]:
                raise ValueError(f"noise: full gradient of {name!r} has {full.size} entries, "
                                 f"expected {self.sizes[name]}")
            i = self.index[name]
            full = np.ascontiguousarray(full if i is None else full[i])
        return _lib().gradient_noise(g, full)

    def tail_indices(self, confidence: float = 0.95, resamples: int = 200, seed: int = 0,
                     full_gradients: Mapping[str, Any] | None = None,
                     threads: int = 0) -> dict[str, LayerTailIndex]:
        """Per tensor: pooled α̂ with a bootstrap interval, and α̂ per coordinate."""
        if self.batches < 4:
            raise ValueError(f"tail_indices: need at least 4 minibatches, got {self.batches}")
        ls = _lib()
        out = {}
        for k, name in enumerate(self.sizes):
            u = self.noise(name, None if full_gradients is None else full_gradients.get(name))
            pooled = u.reshape(-1)
            pooled = pooled[pooled != 0]  # log|0| is undefined: constant entries carry no tail
            if pooled.size < 4:
                nan = math.nan
                out[name] = LayerTailIndex(name, nan, nan, nan, np.full(u.shape[1], nan), nan,
                                           self.batches, u.shape[1], self.sizes[name])
                continue
            alpha = float(ls.tail_index(pooled, threads=threads))
            b = ls.bootstrap_tail_index(pooled, resamples=resamples, confidence=confidence,
                                        seed=seed + k)
            per = np.full(u.shape[1], math.nan)
            ok = np.all(u != 0, axis=0)
            if ok.any():
                per[ok] = np.atleast_1d(ls.tail_index(np.ascontiguousarray(u[:, ok]), axis=0,
                                                      threads=threads))
            finite = per[~np.isnan(per)]
            out[name] = LayerTailIndex(name, alpha, float(b.low), float(b.high), per,
                                       float(np.median(finite)) if finite.size else math.nan,
                                       self.batches, u.shape[1], self.sizes[name])
        return out


def _torch() -> Any:
    try:
        import torch  # type: ignore[import-not-found]
    except ImportError:
        raise ImportError("levysgd.torch_noise.GradientNoise needs PyTorch (pip install torch); "
                          "NoiseAccumulator works on NumPy arrays without it") from None
    return torch


class GradientNoise(NoiseAccumulator):
    """Collects a torch.nn.Module's gradients after each ``loss.backward()``.

    ``parameters``: names to follow (default: every parameter that requires a
    gradient). The model is only read: ``collect()`` takes ``p.grad`` of each
    tensor (the chosen entries of it) into NumPy, nothing more."""

    def __init__(self, model: Any, parameters: Iterable[str] | None = None,
                 max_coordinates: int | None = 4096, dtype: Any = np.float32) -> None:
        torch = _torch()
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"GradientNoise: model must be a torch.nn.Module, "
                            f"got {type(model).__name__}")
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        if parameters is not None:
            wanted = list(parameters)
            known = {n for n, _ in named}
            unknown = [n for n in wanted if n not in known]
            if unknown:
                raise ValueError(f"GradientNoise: no parameter {unknown} in the model "
                                 f"(parameters: {sorted(known)})")
            named = [(n, p) for n, p in named if n in wanted]
        self.params = named
        super().__init__({n: tuple(p.shape) for n, p in named}, max_coordinates, dtype)
        self._torch_index = {n: (None if i is None else torch.as_tensor(i))
                             for n, i in self.index.items()}

    def collect(self) -> None:
        """Record the current gradients (call after ``loss.backward()``)."""
        torch = _torch()
        grads = {}
        with torch.no_grad():
            for n, p in self.params:
                if p.grad is None:
                    raise ValueError(f"GradientNoise.collect: parameter {n!r} has no gradient; "
                                     "call collect() after loss.backward()")
                g = p.grad.detach().reshape(-1)
                i = self._torch_index[n]
                if i is not None:
                    g = g[i.to(g.device)]
                grads[n] = g.to("cpu", torch.float64 if self.dtype == np.float64
                                else torch.float32).numpy()
        self._store(grads)  # the entries were chosen on the tensor's device


def measure_gradient_noise(model: Any, loss_fn: Any, batches: Iterable[Any],
                           **kwargs: Any) -> GradientNoise:
    """Gradients of ``loss_fn(model(x), y)`` over ``batches`` of (x, y) at the
    current weights (no optimizer step; each parameter's ``.grad`` is left
    holding the last batch's gradient). Keyword arguments go to GradientNoise."""
    noise = GradientNoise(model, **kwargs)
    for x, y in batches:
        model.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        noise.collect()
    return noise
