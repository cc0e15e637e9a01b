#pragma once
// levysgd: alpha-stable noise, tail indices and escape times for the study of
// stochastic gradient descent. Umbrella header.

#include "analysis/analysis.hpp"
#include "config.hpp"
#include "optim/optim.hpp"
#include "parallel.hpp"
#include "random/fill.hpp"
#include "random/philox.hpp"
#include "random/philox_simd.hpp"
#include "random/transforms.hpp"
#include "random/urbg_bits.hpp"
#include "sde/sde.hpp"
#include "stable/density.hpp"
#include "stable/fit.hpp"
#include "stable/parameterization.hpp"
#include "stable/sample.hpp"
#include "stable/stable_distribution.hpp"
#include "tail/tail.hpp"
#include "theory/theory.hpp"
