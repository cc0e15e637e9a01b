#include "arrays.hpp"

#include <nanobind/stl/string.h>

namespace levysgd_py {

std::string shape_text(const shape_t &s) {
    std::string t = "(";
    for (std::size_t i = 0; i < s.size(); ++i)
        t += (i ? ", " : "") + std::to_string(s[i]);
    return t + (s.size() == 1 ? ",)" : ")");
}

namespace {

std::string py_type_name(nb::handle h) { return nb::type_name(h.type()).c_str(); }

std::string dtype_text(const nb::dlpack::dtype &d) {
    const auto code = static_cast<nb::dlpack::dtype_code>(d.code);
    const char *base = code == nb::dlpack::dtype_code::Int      ? "int"
                       : code == nb::dlpack::dtype_code::UInt   ? "uint"
                       : code == nb::dlpack::dtype_code::Float  ? "float"
                       : code == nb::dlpack::dtype_code::Bool   ? "bool"
                       : code == nb::dlpack::dtype_code::Complex ? "complex"
                                                                 : "other";
    return base + std::to_string(d.bits);
}

bool kind_of(const nb::dlpack::dtype &d, real_kind &k) {
    if (d.lanes != 1 || d.code != static_cast<std::uint8_t>(nb::dlpack::dtype_code::Float))
        return false;
    if (d.bits == 32)
        k = real_kind::f32;
    else if (d.bits == 64)
        k = real_kind::f64;
    else
        return false;
    return true;
}

template <class A> void read_layout(const A &a, shape_t &shape, std::size_t &size) {
    shape.resize(a.ndim());
    size = 1;
    for (std::size_t i = 0; i < a.ndim(); ++i) {
        shape[i] = a.shape(i);
        size *= shape[i];
    }
}

template <class A> bool c_contiguous(const A &a) {
    std::int64_t expected = 1;
    for (std::size_t i = a.ndim(); i-- > 0;) {
        if (a.shape(i) != 1 && a.stride(i) != expected)
            return a.size() == 0;
        expected *= std::int64_t(a.shape(i));
    }
    return true;
}

template <class A> std::string strides_text(const A &a) {
    std::string t = "(";
    for (std::size_t i = 0; i < a.ndim(); ++i)
        t += (i ? ", " : "") + std::to_string(a.stride(i));
    return t + ")";
}

[[noreturn]] void not_an_array(nb::handle x, const std::string &where, const char *param,
                               bool out) {
    throw nb::type_error(
        (where + ": " + param + " must be " +
         (out ? std::string("a writable float32/float64 CPU array (NumPy, or DLPack: PyTorch, JAX)")
              : std::string("a float, a sequence of floats or a float32/float64 CPU array "
                            "(NumPy, or DLPack: PyTorch, JAX)")) +
         ", got " + py_type_name(x))
            .c_str());
}

} // namespace

input_array as_input(nb::handle x, const char *where, const char *param, bool allow_scalar) {
    input_array r;
    if (allow_scalar && (PyFloat_Check(x.ptr()) || PyLong_Check(x.ptr()))) {
        r.is_scalar = true;
        r.scalar = PyFloat_AsDouble(x.ptr());
        if (r.scalar == -1.0 && PyErr_Occurred())
            throw nb::python_error();
        return r;
    }
    nb::handle src = x;
    if (PyList_Check(x.ptr()) || PyTuple_Check(x.ptr()) || PyFloat_Check(x.ptr()) ||
        PyLong_Check(x.ptr())) {
        r.keep = nb::module_::import_("numpy").attr("ascontiguousarray")(x, "float64");
        src = r.keep;
    }
    if (!nb::try_cast(src, r.arr, false))
        not_an_array(x, where, param, false);
    if (!kind_of(r.arr.dtype(), r.kind))
        throw nb::type_error((std::string(where) + ": " + param + " has dtype " +
                              dtype_text(r.arr.dtype()) +
                              "; levysgd takes float32 or float64 (e.g. " + param +
                              ".astype(numpy.float64))")
                                 .c_str());
    if (!c_contiguous(r.arr))
        throw nb::value_error((std::string(where) + ": " + param +
                               " is not C-contiguous (strides " + strides_text(r.arr) +
                               " elements); pass numpy.ascontiguousarray(" + param + ")")
                                  .c_str());
    read_layout(r.arr, r.shape, r.size);
    r.data = r.arr.data();
    return r;
}

output_array new_array(real_kind kind, const shape_t &shape) {
    return dispatch(kind, [&]<class T>() {
        std::size_t n = 1;
        for (auto s : shape)
            n *= s;
        T *p = new T[n == 0 ? 1 : n];
        nb::capsule owner(p, [](void *q) noexcept { delete[] static_cast<T *>(q); });
        nb::ndarray<nb::numpy, T> a(p, shape.size(), shape.data(), owner);
        output_array r;
        r.obj = a.cast();
        r.data = p;
        r.size = n;
        r.kind = kind;
        r.shape = shape;
        return r;
    });
}

output_array as_output(nb::handle out, const char *where, const char *param, real_kind kind,
                       const shape_t &shape) {
    if (out.is_none())
        return new_array(kind, shape);
    nb::ndarray<nb::device::cpu> a;
    if (!nb::try_cast(out, a, false)) {
        nb::ndarray<nb::ro, nb::device::cpu> ro;
        if (nb::try_cast(out, ro, false))
            throw nb::value_error((std::string(where) + ": " + param +
                                   " is read-only; pass a writable array")
                                      .c_str());
        not_an_array(out, where, param, true);
    }
    real_kind k;
    if (!kind_of(a.dtype(), k) || k != kind)
        throw nb::type_error((std::string(where) + ": " + param + " has dtype " +
                              dtype_text(a.dtype()) + ", expected " + kind_name(kind))
                                 .c_str());
    output_array r;
    read_layout(a, r.shape, r.size);
    if (r.shape != shape)
        throw nb::value_error((std::string(where) + ": " + param + " has shape " +
                               shape_text(r.shape) + ", expected " + shape_text(shape))
                                  .c_str());
    if (!c_contiguous(a))
        throw nb::value_error((std::string(where) + ": " + param +
                               " is not C-contiguous (strides " + strides_text(a) +
                               " elements); results are written in place, so pass a "
                               "contiguous array")
                                  .c_str());
    r.obj = nb::borrow(out);
    r.data = a.data();
    r.kind = kind;
    return r;
}

real_kind parse_dtype(nb::handle dtype, const char *where, nb::handle out) {
    if (dtype.is_none()) { // out's dtype, else float64
        nb::ndarray<nb::ro, nb::device::cpu> a;
        real_kind k = real_kind::f64;
        if (!out.is_none() && nb::try_cast(out, a, false) && kind_of(a.dtype(), k))
            return k;
        return real_kind::f64;
    }
    std::string name;
    if (PyUnicode_Check(dtype.ptr()))
        name = nb::cast<std::string>(dtype);
    else
        name = nb::cast<std::string>(
            nb::str(nb::module_::import_("numpy").attr("dtype")(dtype).attr("name")));
    if (name == "float64" || name == "double" || name == "f8" || name == "d")
        return real_kind::f64;
    if (name == "float32" || name == "single" || name == "f4" || name == "f")
        return real_kind::f32;
    throw nb::type_error((std::string(where) + ": dtype must be float32 or float64, got " + name)
                             .c_str());
}

shape_t parse_size(nb::handle size, const char *where) {
    shape_t s;
    auto one = [&](nb::handle h) {
        if (!PyLong_Check(h.ptr()) && !PyIndex_Check(h.ptr()))
            throw nb::type_error((std::string(where) + ": size must be an int or a tuple of ints, got " +
                                  py_type_name(h))
                                     .c_str());
        const long long v = PyLong_AsLongLong(h.ptr());
        if (v == -1 && PyErr_Occurred())
            throw nb::python_error();
        if (v < 0)
            throw nb::value_error(
                (std::string(where) + ": size must be >= 0, got " + std::to_string(v)).c_str());
        s.push_back(std::size_t(v));
    };
    if (PyTuple_Check(size.ptr()) || PyList_Check(size.ptr())) {
        for (nb::handle h : size)
            one(h);
    } else {
        one(size);
    }
    return s;
}

} // namespace levysgd_py
