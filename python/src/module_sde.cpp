// levysgd._levysgd_sde[_avx2]: the studies, in a module of their own so that
// their many template instantiations compile in two variants, not three
// (docs/python-api.md, "Studies").
#include "bindings.hpp"

NB_MODULE(LEVYSGD_PY_MODULE, m) {
    m.doc() = "levysgd's SDE studies, bound with nanobind (use the levysgd package)";
    levysgd_py::bind_sde(m);
}
