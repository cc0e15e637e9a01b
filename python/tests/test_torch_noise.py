"""levysgd.torch_noise: the accumulation on NumPy arrays (always tested) and
the PyTorch collector on a tiny model (skipped with a message where torch is
not installed)."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import levysgd
from levysgd.torch_noise import GradientNoise, NoiseAccumulator


def _gradients(batches, seed=4):
    """Minibatch "gradients" of a 3x4 weight whose noise is SαS(1.3) and a bias
    of 4 whose noise is Gaussian (α = 2), around fixed full gradients."""
    w = levysgd.sample_coordinates([1.3] * 12, [0.01] * 12, batches, seed=seed)
    b = levysgd.sample_coordinates([2.0] * 4, [0.01] * 4, batches, seed=seed, stream=1)
    full_w = np.linspace(-1, 1, 12).reshape(3, 4)
    full_b = np.arange(4.0)
    return [({"w": full_w + w[i].reshape(3, 4), "b": full_b + b[i]}) for i in range(batches)], \
        {"w": full_w, "b": full_b}


def test_accumulator_tail_indices():
    grads, full = _gradients(2000)
    acc = NoiseAccumulator({"w": (3, 4), "b": (4,)}, dtype=np.float64)
    for g in grads:
        acc.add(g)
    assert acc.batches == 2000
    np.testing.assert_array_equal(acc.gradients("w")[7], grads[7]["w"].ravel())
    t = acc.tail_indices(resamples=100)
    assert set(t) == {"w", "b"}
    w, b = t["w"], t["b"]
    assert abs(w.alpha - 1.3) < 0.1 and w.low <= w.alpha <= w.high
    assert abs(w.median_per_parameter - 1.3) < 0.15
    assert w.per_parameter.shape == (12,) and w.coordinates == 12 and w.size == 12
    assert b.alpha > 1.8 and b.low <= b.alpha <= b.high
    # against the full gradient: the same tails
    tf = acc.tail_indices(resamples=20, full_gradients=full)
    assert abs(tf["w"].alpha - 1.3) < 0.1
    assert w.as_dict()["batches"] == 2000


def test_accumulator_subset_and_growth():
    acc = NoiseAccumulator({"w": (10, 10)}, max_coordinates=7)
    assert acc.width("w") == 7
    for i in range(40):  # grows past the initial 16 rows
        acc.add({"w": np.arange(100.0).reshape(10, 10) * (i + 1)})
    rows = acc.gradients("w")
    assert rows.shape == (40, 7) and rows.dtype == np.float32
    np.testing.assert_array_equal(rows[0], acc.index["w"].astype(np.float32))
    assert acc.index["w"][0] == 0 and acc.index["w"][-1] == 99


def test_accumulator_errors():
    acc = NoiseAccumulator({"w": (2, 2)})
    with pytest.raises(ValueError, match="has 3 entries, expected 4"):
        acc.add({"w": np.ones(3)})
    with pytest.raises(ValueError, match="no gradient for"):
        acc.add({})
    with pytest.raises(ValueError, match="unknown tensor 'v'"):
        acc.add({"w": np.ones(4), "v": np.ones(1)})
    acc.add({"w": np.ones(4)})
    with pytest.raises(ValueError, match="at least 4 minibatches, got 1"):
        acc.tail_indices()
    with pytest.raises(ValueError, match="max_coordinates"):
        NoiseAccumulator({"w": (2,)}, max_coordinates=0)
    # a constant tensor has no noise: NaN, not an error
    for _ in range(10):
        acc.add({"w": np.ones(4)})
    assert np.isnan(acc.tail_indices()["w"].alpha)


def test_gradient_noise_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="needs PyTorch"):
        GradientNoise(object())


def test_torch_tiny_model():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: the torch part of "
                                "levysgd.torch_noise is not tested (NoiseAccumulator is)")
    from levysgd.torch_noise import measure_gradient_noise

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    before = [p.detach().clone() for p in model.parameters()]
    ptrs = [p.data_ptr() for p in model.parameters()]
    x = torch.randn(512, 3)
    y = x.sum(dim=1, keepdim=True) + 0.1 * torch.randn(512, 1)
    g = torch.Generator().manual_seed(1)
    # minibatches of 16 drawn with replacement, at fixed weights
    batches = [(x[i], y[i]) for i in (torch.randint(0, 512, (16,), generator=g)
                                      for _ in range(200))]
    noise = measure_gradient_noise(model, torch.nn.functional.mse_loss, batches,
                                   max_coordinates=16)
    assert noise.batches == 200
    # the model was only read: same tensors, same values
    assert [p.data_ptr() for p in model.parameters()] == ptrs
    for p, q in zip(model.parameters(), before):
        assert torch.equal(p, q)
    # the last row is the last batch's gradient (the chosen entries)
    first = model[0].weight
    np.testing.assert_allclose(noise.gradients("0.weight")[-1],
                               first.grad.reshape(-1)[torch.as_tensor(noise.index["0.weight"])]
                               .numpy())
    t = noise.tail_indices(resamples=50)
    assert set(t) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert t["0.weight"].coordinates == 16 and t["0.weight"].size == 24
    for r in t.values():
        # a percentile interval of a biased estimator need not hold the estimate
        assert 0 < r.alpha < 4 and 0 < r.low <= r.high, r

    # the three-line use during training, on chosen parameters
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    collector = GradientNoise(model, parameters=["2.weight"])
    for xb, yb in batches[:20]:
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(xb), yb).backward()
        collector.collect()
        opt.step()
    assert list(collector.tail_indices(resamples=10)) == ["2.weight"]

    with pytest.raises(ValueError, match="no parameter"):
        GradientNoise(model, parameters=["nope"])
    with pytest.raises(TypeError, match="torch.nn.Module"):
        GradientNoise([1, 2])
    model.zero_grad(set_to_none=True)
    with pytest.raises(ValueError, match="after loss.backward"):
        GradientNoise(model).collect()
