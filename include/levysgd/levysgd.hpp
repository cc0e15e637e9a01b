#pragma once
// levysgd: alpha-stable noise, tail indices and escape times for the study of
// stochastic gradient descent. Umbrella header.

#include "analysis/analysis.hpp"
#include "config.hpp"
#include "core/core.hpp"
#include "models/models.hpp"
#include "optim/optim.hpp"
#include "parallel.hpp"
#include "random/random.hpp"
#include "sde/sde.hpp"
#include "stable/stable.hpp"
#include "tail/tail.hpp"
#include "theory/theory.hpp"
