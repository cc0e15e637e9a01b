#pragma once
// One bind_* per topic, each in its own translation unit (they compile in parallel).
#include "arrays.hpp"

namespace levysgd_py {
void bind_stable(nb::module_ &m);
void bind_tail(nb::module_ &m);
void bind_theory(nb::module_ &m);
void bind_sde(nb::module_ &m);
} // namespace levysgd_py
