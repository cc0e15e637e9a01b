#pragma once
// Array arguments of the Python module: float32/float64 CPU arrays (NumPy's
// buffer protocol, or DLPack: PyTorch, JAX) taken without a copy. A wrong
// dtype, shape, layout or a read-only `out` is a TypeError / ValueError that
// names the parameter: never a silent copy that would drop the result.

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace levysgd_py {

namespace nb = nanobind;

enum class real_kind { f32, f64 };

inline const char *kind_name(real_kind k) { return k == real_kind::f32 ? "float32" : "float64"; }

using shape_t = std::vector<std::size_t>;

std::string shape_text(const shape_t &s);

/// A read-only input: a Python scalar (is_scalar) or a C-contiguous array.
struct input_array {
    nb::ndarray<nb::ro, nb::device::cpu> arr; // keeps the caller's buffer alive
    nb::object keep;                          // a list converted by NumPy
    bool is_scalar = false;
    double scalar = 0;
    real_kind kind = real_kind::f64;
    shape_t shape;
    std::size_t size = 0;
    const void *data = nullptr;

    template <class T> std::span<const T> span() const {
        return {static_cast<const T *>(data), size};
    }
};

/// A writable C-contiguous output: the caller's `out` or a new NumPy array.
struct output_array {
    nb::object obj; // what the call returns
    void *data = nullptr;
    std::size_t size = 0;
    real_kind kind = real_kind::f64;
    shape_t shape;

    template <class T> std::span<T> span() const { return {static_cast<T *>(data), size}; }
};

/// `x` as an input array. Python floats and ints give is_scalar (when
/// allow_scalar); lists and tuples are converted to float64 by NumPy (a copy
/// of an input loses nothing); anything else must be a float32/float64
/// C-contiguous CPU array.
input_array as_input(nb::handle x, const char *where, const char *param, bool allow_scalar = true);

/// `out` (None: a new NumPy array of `kind` and `shape`) checked to be a
/// writable, C-contiguous CPU array of exactly that dtype and shape.
output_array as_output(nb::handle out, const char *where, const char *param, real_kind kind,
                       const shape_t &shape);

/// A new, uninitialised NumPy array.
output_array new_array(real_kind kind, const shape_t &shape);

/// "float64" / "float32" / numpy dtype / numpy type -> kind; TypeError
/// otherwise. None: the dtype of `out` when it is a float32/float64 array, else float64.
real_kind parse_dtype(nb::handle dtype, const char *where, nb::handle out);

/// size: int or tuple of ints -> shape; ValueError for negatives.
shape_t parse_size(nb::handle size, const char *where);

/// Dispatches f.template operator()<T>() on the kind.
template <class F> decltype(auto) dispatch(real_kind k, F &&f) {
    if (k == real_kind::f32)
        return f.template operator()<float>();
    return f.template operator()<double>();
}

} // namespace levysgd_py
