#pragma once
// levysgd: alpha-stable noise, tail indices and escape times for the study of
// stochastic gradient descent. Umbrella header.

#include "config.hpp"
#include "core/core.hpp"
#include "noise/gradient_noise.hpp"
#include "optim/optim.hpp"
#include "random/random.hpp"
#include "sde/sde.hpp"
#include "stable/stable.hpp"
#include "tail/bootstrap.hpp"
#include "tail/hill.hpp"
#include "tail/mohammadi.hpp"
#include "theory/theory.hpp"
