#pragma once
// levysgd's host/device core: the formulas the CPU (scalar and SIMD) and the
// CUDA headers share, free of Eigen, xsimd, iostreams, exceptions and
// allocation, every function marked LEVYSGD_HOST_DEVICE.
//   philox.hpp       stateless Philox4x32-10 (counter, key) -> bits, stream layout
//   transforms.hpp   words -> open uniforms, exponentials, normals
//   fill_rule.hpp    the bulk fills' index rule, fill_variate_at(seed, stream, i)
//   fast_math.hpp    restricted-range log, exp, expm1, sin/cos over scalar or batch T
//   cms.hpp          the Chambers-Mallows-Stuck S0 kernel
//   stable_plan.hpp  zeta, S0<->S1 shift, support, the sample-index rule,
//                    stable_variate_at(plan, seed, stream, i)

#include "cms.hpp"
#include "fast_math.hpp"
#include "fill_rule.hpp"
#include "philox.hpp"
#include "scalar_math.hpp"
#include "stable_plan.hpp"
#include "transforms.hpp"
