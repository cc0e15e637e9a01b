#pragma once
// Random streams on the CPU: the random/ topic in one include.
//
//   philox.hpp        philox4x32, the standard engine over core/philox.hpp
//                     (seed/stream/position, equality, stream I/O)
//   philox_simd.hpp   Philox4x32-10 on xsimd batches (one block per lane)
//   fill.hpp          bulk uniform, exponential and normal fills (SIMD, threads)
//   urbg_bits.hpp     words and open uniforms from any standard engine
//   transforms.hpp    (old path of core/transforms.hpp)

#include "../core/core.hpp"
#include "fill.hpp"
#include "philox.hpp"
#include "philox_simd.hpp"
#include "urbg_bits.hpp"
