"""Arrays in and out without copies, and every bad-input path of the array
arguments: a clear TypeError / ValueError naming the parameter, never a
silent copy that drops the result."""
import numpy as np
import pytest

import levysgd

D = levysgd.stable(1.5, 0.3)
METHODS = ["pdf", "logpdf", "cdf", "sf", "ppf", "isf"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", METHODS)
def test_out_is_the_callers_buffer(name, dtype):
    x = np.linspace(0.05, 0.95, 12, dtype=dtype).reshape(3, 4)
    out = np.full((3, 4), np.nan, dtype=dtype)
    r = getattr(D, name)(x, out=out)
    assert r is out and np.shares_memory(r, out)
    assert r.__array_interface__["data"][0] == out.__array_interface__["data"][0]
    assert not np.isnan(out).any()
    new = getattr(D, name)(x)
    assert new.dtype == dtype and new.shape == (3, 4)
    np.testing.assert_array_equal(new, out)
    # in place: out = x
    y = x.copy()
    assert getattr(D, name)(y, out=y) is y
    np.testing.assert_array_equal(y, out)


def test_input_is_not_copied():
    # A read-only input is read in place (a copy would need a writable buffer).
    x = np.linspace(-3, 3, 1000)
    x.flags.writeable = False
    np.testing.assert_array_equal(D.pdf(x), D.pdf(x.copy()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rvs_out(dtype):
    out = np.empty((100, 7), dtype=dtype)
    r = D.rvs(out=out, seed=3)
    assert r is out
    np.testing.assert_array_equal(out.ravel(), D.rvs(700, seed=3, dtype=dtype))
    assert D.rvs((100, 7), out=out, seed=4) is out
    sub = np.empty(1000, dtype=dtype)[100:300]  # contiguous view: written in place
    D.rvs(200, seed=3, dtype=dtype, out=sub)
    np.testing.assert_array_equal(sub, D.rvs(200, seed=3, dtype=dtype))


def test_sample_coordinates_out():
    out = np.empty((10, 3), np.float32)
    assert levysgd.sample_coordinates([1.1, 1.5, 1.9], [1.0], 10, dtype="float32", out=out) is out


class DLPackOnly:
    """An object seen only through __dlpack__ (as PyTorch and JAX tensors are)."""

    def __init__(self, a):
        self.a = a

    def __dlpack__(self, *args, **kwargs):
        return self.a.__dlpack__()

    def __dlpack_device__(self):
        return self.a.__dlpack_device__()


def test_dlpack_in_and_out_without_copies():
    if not hasattr(np.ndarray, "__dlpack__"):
        pytest.skip("this NumPy has no __dlpack__")
    x = np.linspace(-2, 2, 50)
    out = np.zeros(50)
    r = D.pdf(DLPackOnly(x), out=DLPackOnly(out))
    assert isinstance(r, DLPackOnly) and r.a is out
    np.testing.assert_array_equal(out, D.pdf(x))
    buf = np.zeros(64, np.float32)
    D.rvs(64, seed=1, dtype="float32", out=DLPackOnly(buf))
    np.testing.assert_array_equal(buf, D.rvs(64, seed=1, dtype="float32"))


def test_torch_tensors():
    torch = pytest.importorskip("torch", reason="torch is not installed (CI runs without it)")
    x = torch.linspace(-2, 2, 50, dtype=torch.float64)
    out = torch.empty(50, dtype=torch.float64)
    assert D.pdf(x, out=out) is out
    np.testing.assert_array_equal(out.numpy(), D.pdf(x.numpy()))
    g = torch.empty(1000, dtype=torch.float32)
    D.rvs(1000, seed=2, dtype="float32", out=g)
    np.testing.assert_array_equal(g.numpy(), D.rvs(1000, seed=2, dtype="float32"))
    assert levysgd.tail_index(g) == levysgd.tail_index(g.numpy())


def _ro(shape=(8,), dtype=np.float64):
    a = np.zeros(shape, dtype)
    a.flags.writeable = False
    return a


X = np.linspace(0.1, 0.9, 8)

BAD = [
    # (call, exception, words the message must contain)
    (lambda: D.pdf(X, out=_ro()), ValueError, ["out", "read-only"]),
    (lambda: D.pdf(X, out=np.empty(8, np.float32)), TypeError, ["out", "float32", "float64"]),
    (lambda: D.pdf(X.astype(np.float32), out=np.empty(8)), TypeError, ["out", "float64", "float32"]),
    (lambda: D.pdf(X, out=np.empty(9)), ValueError, ["out", "shape", "(9,)", "(8,)"]),
    (lambda: D.pdf(X, out=np.empty((2, 4))), ValueError, ["out", "shape"]),
    (lambda: D.pdf(X, out=np.empty(16)[::2]), ValueError, ["out", "C-contiguous"]),
    (lambda: D.pdf(X, out=np.empty((8, 8)).T[0]), ValueError, ["out", "C-contiguous"]),
    (lambda: D.pdf(X, out=[0.0] * 8), TypeError, ["out", "list"]),
    (lambda: D.pdf(np.empty(16)[::2]), ValueError, ["x", "C-contiguous", "ascontiguousarray"]),
    (lambda: D.pdf(np.arange(8)), TypeError, ["x", "int64", "float64"]),
    (lambda: D.pdf(np.ones(8, np.float16)), TypeError, ["x", "float16"]),
    (lambda: D.pdf(np.ones(8, np.complex128)), TypeError, ["x", "complex"]),
    (lambda: D.pdf("1.0"), TypeError, ["x", "str"]),
    (lambda: D.pdf(None), TypeError, ["x", "NoneType"]),
    (lambda: D.ppf(1.5), ValueError, ["p", "1.5"]),
    (lambda: D.ppf(np.array([0.5, -0.1])), ValueError, ["p[1]", "-0.1"]),
    (lambda: D.isf(np.array([np.nan])), ValueError, ["p[0]", "nan"]),
    (lambda: D.rvs(-1), ValueError, ["size", "-1"]),
    (lambda: D.rvs("ten"), TypeError, ["size"]),
    (lambda: D.rvs(10, dtype="int32"), TypeError, ["dtype", "int32"]),
    (lambda: D.rvs(10, out=np.empty(11)), ValueError, ["out", "shape"]),
    (lambda: D.rvs(10, out=_ro((10,))), ValueError, ["out", "read-only"]),
    (lambda: D.rvs(10, seed=-1), TypeError, ["seed"]),
    (lambda: D.rvs(10, threads=-2), TypeError, ["threads"]),
    (lambda: levysgd.stable(2.5, 0), ValueError, ["alpha", "2.5"]),
    (lambda: levysgd.stable(1.5, 1.5), ValueError, ["beta", "1.5"]),
    (lambda: levysgd.stable(1.5, 0, -1.0), ValueError, ["scale", "-1"]),
    (lambda: levysgd.stable(1.5, 0, 1.0, 0.0, "S2"), ValueError, ["param", "S2"]),
    (lambda: levysgd.stable(1.0001, 1.0, 1e36).pdf(np.ones(2, np.float32)), ValueError, ["float"]),
    (lambda: levysgd.fit_stable(np.ones(10)), ValueError, ["fit_stable"]),
    (lambda: levysgd.fit_stable(np.ones(100)), ValueError, ["interquartile"]),
    (lambda: levysgd.fit_stable(X, method="moments"), ValueError, ["method", "moments"]),
    (lambda: levysgd.fit_stable(X, param="S3"), ValueError, ["param", "S3"]),
    (lambda: levysgd.fit_stable(np.arange(100)), TypeError, ["x", "int64"]),
    (lambda: levysgd.sample_coordinates([1.5, 2.5], [1.0], 3), ValueError, ["alpha[1]", "2.5"]),
    (lambda: levysgd.sample_coordinates([1.5, 1.2], [1.0, 2.0, 3.0], 3), ValueError, ["scales", "3"]),
    (lambda: levysgd.sample_coordinates([[1.5]], [1.0], 3), ValueError, ["alphas", "1-D"]),
    (lambda: levysgd.sample_coordinates([1.5], [1.0], 3, out=np.empty((3, 2))), ValueError, ["out", "shape"]),
    (lambda: levysgd.tail_index(np.ones(3)), ValueError, ["tail_index"]),
    (lambda: levysgd.tail_index(np.zeros(100)), ValueError, ["0"]),
    (lambda: levysgd.tail_index(np.ones((10, 10)), axis=2), ValueError, ["axis", "2"]),
    (lambda: levysgd.tail_index(np.ones(100), axis=0), ValueError, ["axis", "2-D"]),
    (lambda: levysgd.tail_index(np.ones((100, 3)), k1=1), ValueError, ["k1"]),
    (lambda: levysgd.tail_index(np.ones((100, 2)).T[0]), ValueError, ["x", "C-contiguous"]),
    (lambda: levysgd.hill(np.ones(100), k=100), ValueError, ["k"]),
    (lambda: levysgd.bootstrap_tail_index(X, estimator="pickands"), ValueError, ["estimator", "pickands"]),
    (lambda: levysgd.bootstrap_tail_index(np.ones(100), resamples=5), ValueError, ["reps", "5"]),
    (lambda: levysgd.bootstrap_tail_index(np.ones(100), confidence=1.5), ValueError, ["level", "1.5"]),
    (lambda: levysgd.gradient_noise(np.ones(5)), ValueError, ["G", "2-D"]),
    (lambda: levysgd.gradient_noise(np.ones((5, 3)), np.ones(4)), ValueError, ["gradient_noise"]),
    (lambda: levysgd.analyse_noise_tails(np.ones((3, 2))), ValueError, ["analyse_noise_tails"]),
    (lambda: levysgd.noise_covariance(np.ones((5, 2)), 0.5), ValueError, ["batch_size", "0.5"]),
    (lambda: levysgd.compare_covariance_with_hessian(np.eye(2), np.eye(3), 1), ValueError, ["square"]),
]


@pytest.mark.parametrize("call,exc,words", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_input(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    msg = str(info.value)
    for w in words:
        assert w in msg, (w, msg)


def test_failed_call_leaves_out_untouched():
    out = np.full(2, 7.0)
    with pytest.raises(ValueError):
        D.ppf(np.array([0.5, 2.0]), out=out)
    np.testing.assert_array_equal(out, [7.0, 7.0])
