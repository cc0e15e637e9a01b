// levysgd._levysgd: the compiled part of the Python package (nanobind).
#include "bindings.hpp"

#ifndef LEVYSGD_PY_MODULE
#define LEVYSGD_PY_MODULE _levysgd
#endif

NB_MODULE(LEVYSGD_PY_MODULE, m) {
    m.doc() = "levysgd's C++ library, bound with nanobind (use the levysgd package)";
    levysgd_py::bind_stable(m);
    levysgd_py::bind_tail(m);
    levysgd_py::bind_theory(m);
}
