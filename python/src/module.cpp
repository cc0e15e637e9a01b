// levysgd._levysgd: the compiled part of the Python package (nanobind).
#include "bindings.hpp"

NB_MODULE(_levysgd, m) {
    m.doc() = "levysgd's C++ library, bound with nanobind (use the levysgd package)";
    levysgd_py::bind_stable(m);
    levysgd_py::bind_tail(m);
}
